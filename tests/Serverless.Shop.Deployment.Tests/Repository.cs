namespace Serverless.Shop.Deployment.Tests;

/// <summary>Paths in the repository under test, found from where the test assembly runs.</summary>
internal static class Repository
{
    private const string SolutionFile = "Serverless.Shop.sln";

    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The folder holding Serverless.Shop.sln.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The folder holding main.bicep and the modules.</summary>
    public static string BicepFolder => Path.Combine(Root, "bicep");

    public static string PathOf(string relativePath) =>
        Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>A repository-relative path with forward slashes, as test names show it.</summary>
    public static string RelativePath(string fullPath) =>
        Path.GetRelativePath(Root, fullPath).Replace(Path.DirectorySeparatorChar, '/');

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No {SolutionFile} in {AppContext.BaseDirectory} or any folder above it: the tests must run from a build inside the repository.");
    }
}
