namespace Serverless.Shop.Deployment.Tests;

/// <summary>
/// Reads the block-mapping subset of YAML that azure.yaml uses (nested "key: value" lines, comments, no lists or
/// flow style), which is enough to check it without a YAML package.
/// </summary>
internal sealed class SimpleYaml
{
    private readonly Dictionary<string, object> root;

    private SimpleYaml(Dictionary<string, object> root) => this.root = root;

    public static SimpleYaml Parse(string text)
    {
        var root = new Dictionary<string, object>(StringComparer.Ordinal);
        var stack = new Stack<(int Indent, Dictionary<string, object> Map)>();
        stack.Push((-1, root));

        foreach (var rawLine in text.Split('\n'))
        {
            var line = StripComment(rawLine).TrimEnd();
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var indent = line.Length - line.TrimStart().Length;
            var separator = line.IndexOf(':');
            if (separator < 0 || line.TrimStart().StartsWith('-'))
            {
                throw new FormatException($"Unsupported YAML line: '{rawLine}'");
            }

            while (stack.Peek().Indent >= indent)
            {
                stack.Pop();
            }

            var key = line[..separator].Trim();
            var value = line[(separator + 1)..].Trim().Trim('"', '\'');
            if (value.Length == 0)
            {
                var child = new Dictionary<string, object>(StringComparer.Ordinal);
                stack.Peek().Map[key] = child;
                stack.Push((indent, child));
            }
            else
            {
                stack.Peek().Map[key] = value;
            }
        }

        return new SimpleYaml(root);
    }

    public string? Scalar(params string[] path) => Find(path) as string;

    public IEnumerable<string> Children(params string[] path) =>
        Find(path) is Dictionary<string, object> map ? map.Keys : [];

    private object? Find(string[] path)
    {
        object? node = root;
        foreach (var key in path)
        {
            node = node is Dictionary<string, object> map && map.TryGetValue(key, out var next) ? next : null;
        }

        return node;
    }

    private static string StripComment(string line)
    {
        var hash = line.IndexOf('#');
        return hash < 0 || (hash > 0 && !char.IsWhiteSpace(line[hash - 1])) ? line : line[..hash];
    }
}
