namespace Serverless.Shop.Domain.Common;

/// <summary>
/// Collects every rule a command breaks, so the client learns all its mistakes at once, then throws one
/// <see cref="ValidationFailedException"/>. The one validation style of the shop: use cases validate their input with it.
/// </summary>
public sealed class Validator
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validator Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    /// <summary>Adds <paramref name="message"/> when <paramref name="rule"/> does not hold. Returns whether it held.</summary>
    public bool Check(bool rule, string field, string message)
    {
        if (!rule) Add(field, message);
        return rule;
    }

    public bool Required<T>(T? value, string field) where T : class
    {
        var present = value is not null && (value is not string s || !string.IsNullOrWhiteSpace(s));
        return Check(present, field, "is required.");
    }

    public bool Required<T>(T? value, string field) where T : struct => Check(value.HasValue, field, "is required.");

    public bool MaxLength(string? value, int max, string field) =>
        Check(value is null || value.Length <= max, field, $"must be at most {max} characters.");

    public bool HasErrorsUnder(string field) => _errors.Keys.Any(k => k == field || k.StartsWith(field + ".", StringComparison.Ordinal) || k.StartsWith(field + "[", StringComparison.Ordinal));

    public void ThrowIfInvalid()
    {
        if (!IsValid) throw new ValidationFailedException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }
}
