namespace Serverless.Shop.Deployment.Tests;

// Build and lint live in two classes so xunit runs them side by side: each bicep run costs a second or two.
public sealed class BicepBuildTests
{
    [Theory]
    [MemberData(nameof(BicepFiles.All), MemberType = typeof(BicepFiles))]
    public void Builds_without_any_diagnostic(string file)
    {
        var result = BicepCli.Build(Repository.PathOf(file));

        result.ExitCode.ShouldBe(0, result.ToString());
        // Diagnostics (warnings included) go to stderr; the template goes to stdout.
        result.StandardError.Trim().ShouldBeEmpty(result.ToString());
        result.StandardOutput.ShouldContain("\"$schema\"", customMessage: result.ToString());
    }
}

public sealed class BicepLintTests
{
    [Theory]
    [MemberData(nameof(BicepFiles.All), MemberType = typeof(BicepFiles))]
    public void Lints_clean(string file)
    {
        var result = BicepCli.Lint(Repository.PathOf(file));

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StandardError.Trim().ShouldBeEmpty(result.ToString());
        result.StandardOutput.Trim().ShouldBeEmpty(result.ToString());
    }

    [Fact]
    public void Finds_main_and_the_modules()
    {
        var files = BicepFiles.Paths();

        files.ShouldContain("bicep/main.bicep");
        files.Count(f => f.StartsWith("bicep/modules/", StringComparison.Ordinal)).ShouldBeGreaterThan(5);
    }
}
