using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.UnitTests.Common;

internal static class ValidationAssertions
{
    /// <summary>Asserts the failure names <paramref name="field"/>, and shows every error when it does not.</summary>
    public static ValidationFailedException ShouldReport(this ValidationFailedException failure, string field)
    {
        failure.Errors.Keys.ShouldContain(field, Describe(failure));
        return failure;
    }

    public static ValidationFailedException ShouldReport(this ValidationFailedException failure, string field, string messagePart)
    {
        failure.ShouldReport(field);
        failure.Errors[field].ShouldContain(m => m.Contains(messagePart, StringComparison.Ordinal), Describe(failure));
        return failure;
    }

    public static void ShouldNotReport(this ValidationFailedException failure, string field) =>
        failure.Errors.Keys.ShouldNotContain(field, Describe(failure));

    private static string Describe(ValidationFailedException failure) =>
        "errors were: " + string.Join("; ", failure.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}
