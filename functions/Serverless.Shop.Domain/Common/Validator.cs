using System.Globalization;

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

    /// <summary>
    /// A required instant given as an ISO 8601 date (UTC midnight) or a date and time with its offset; null (and the
    /// field named) when missing or malformed. A bare local time is refused: it would mean another instant on every server.
    /// </summary>
    public DateTimeOffset? Instant(string? text, string field)
    {
        if (!Required(text, field)) return null;
        var value = text!.Trim();
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (value.Length > 10 && (value.EndsWith('Z') || value[^6] is '+' or '-')
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            return at.ToUniversalTime();
        Add(field, "must be an ISO 8601 date (2026-12-01, UTC midnight) or a date and time with its offset (2026-12-01T08:00:00Z).");
        return null;
    }

    public bool HasErrorsUnder(string field) => _errors.Keys.Any(k => k == field || k.StartsWith(field + ".", StringComparison.Ordinal) || k.StartsWith(field + "[", StringComparison.Ordinal));

    public void ThrowIfInvalid()
    {
        if (!IsValid) throw new ValidationFailedException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }
}
