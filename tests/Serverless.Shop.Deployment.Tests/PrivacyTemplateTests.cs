namespace Serverless.Shop.Deployment.Tests;

/// <summary>
/// What personal-data protection needs from the deployment (docs/security.md): the data-keys container, the vault the
/// app reads its two keys from by its own identity, and read access to that vault's secrets for the app (only read).
/// </summary>
public sealed class PrivacyTemplateTests
{
    private static ArmTemplate Main => ArmTemplate.Main;

    [Fact]
    public void The_data_keys_container_is_partitioned_by_id_and_never_expires_keys()
    {
        var container = Main.ModuleParameter("cosmos", "containers")!.AsArray().Select(c => c!.AsObject())
            .Single(c => (string)c["name"]! == "data-keys");
        ((string)container["partitionKeyPath"]!).ShouldBe("/id");
        // A TTL would erase customers nobody asked to erase: the container keeps keys until the app destroys one.
        container.ContainsKey("defaultTtl").ShouldBeFalse();
    }

    [Fact]
    public void The_app_reads_the_privacy_keys_from_the_shop_s_vault_by_its_identity_and_may_only_read()
    {
        var setting = MainTemplateTests.AppSettings()["Privacy__KeyVaultUri"];
        setting.ShouldContain("reference('keyVault').outputs.uri");
        setting.ShouldNotContain("@Microsoft.KeyVault", customMessage: "the app reads the secrets itself, with the SDK, so it can read earlier KEK versions");

        var rbac = Main.ModuleTemplate("rbac-app");
        var assignment = rbac.ResourcesOfType("Microsoft.Authorization/roleAssignments").Single(a => ((string)a["scope"]!).Contains("keyVaultName"));
        ArmTemplate.Json(assignment).ShouldContain("variables('keyVaultRoleId')");
        Main.ModuleParameter("rbac-app", "principal")!["canWriteSecrets"]!.GetValue<bool>().ShouldBeFalse("the app gets Key Vault Secrets User, never Officer");
    }
}
