namespace Serverless.Shop.Deployment.Tests;

/// <summary>Every .bicep file under bicep/, found when the tests run, so a new module is checked without a test edit.</summary>
public static class BicepFiles
{
    /// <summary>Repository-relative paths, such as bicep/modules/cosmos.bicep.</summary>
    public static IReadOnlyList<string> Paths() =>
        Directory.EnumerateFiles(Repository.BicepFolder, "*.bicep", SearchOption.AllDirectories)
            .Select(Repository.RelativePath)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>One theory row per file: each file passes or fails under its own name.</summary>
    public static TheoryData<string> All() => new(Paths());
}
