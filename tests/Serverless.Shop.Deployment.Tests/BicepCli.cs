using System.Diagnostics;
using System.Reflection;

namespace Serverless.Shop.Deployment.Tests;

/// <summary>
/// Runs the bicep binary that ships in the Azure.Bicep.CommandLine.linux-x64 NuGet package, so the tests need no
/// Azure CLI and no network. The csproj records the package's tools folder in an assembly attribute at build time.
/// </summary>
internal static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static readonly Lazy<string> ExecutablePath = new(FindExecutable);

    public static BicepResult Build(string bicepFile) => Run("build", "--stdout", bicepFile);

    public static BicepResult Lint(string bicepFile) => Run("lint", bicepFile);

    private static BicepResult Run(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(ExecutablePath.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        process.WaitForExit();
        return new BicepResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindExecutable()
    {
        var toolsFolder = typeof(BicepCli).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "BicepToolsDirectory")?.Value;
        if (string.IsNullOrEmpty(toolsFolder) || toolsFolder == "/tools")
        {
            throw new InvalidOperationException(
                "The package Azure.Bicep.CommandLine.linux-x64 was not restored: BicepToolsDirectory is empty.");
        }

        var path = Path.Combine(toolsFolder, OperatingSystem.IsWindows() ? "bicep.exe" : "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("The bicep binary is missing from the restored package.", path);
        }

        // NuGet does not always keep the executable bit when it extracts a package.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(path, mode | executable);
            }
        }

        return path;
    }
}

internal sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() =>
        $"exit code {ExitCode}{Environment.NewLine}stderr:{Environment.NewLine}{StandardError}{Environment.NewLine}stdout:{Environment.NewLine}{Truncate(StandardOutput)}";

    private static string Truncate(string text) => text.Length <= 4000 ? text : text[..4000] + " [...]";
}
