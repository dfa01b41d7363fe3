using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.Shop.Deployment.Tests;

/// <summary>
/// Properties of the compiled bicep/main.bicep that the app depends on (docs/configuration.md): if one of these
/// changes, the app breaks in Azure while every local test stays green.
/// </summary>
public sealed partial class MainTemplateTests
{
    private static ArmTemplate Main => ArmTemplate.Main;

    [Fact]
    public void Cosmos_account_writes_in_two_regions_with_entra_id_only()
    {
        var account = Main.ModuleTemplate("cosmos").SingleResourceOfType("Microsoft.DocumentDB/databaseAccounts");
        var properties = account["properties"]!;

        var locations = properties["locations"]!.AsArray().Select(l => l!.AsObject()).ToList();
        locations.Count.ShouldBe(2);
        locations.Select(l => (int)l["failoverPriority"]!).ShouldBe([0, 1]);
        locations.Select(l => (string)l["locationName"]!).Distinct().Count().ShouldBe(2);
        ((bool)properties["enableMultipleWriteLocations"]!).ShouldBeTrue();
        ((bool)properties["disableLocalAuth"]!).ShouldBeTrue();
        ((string)properties["consistencyPolicy"]!["defaultConsistencyLevel"]!).ShouldBe("Session");

        // The two regions are the two different main.bicep parameters.
        ((string)Main.ModuleParameter("cosmos", "location")!).ShouldBe("[parameters('location')]");
        ((string)Main.ModuleParameter("cosmos", "secondaryLocation")!).ShouldBe("[parameters('cosmosSecondaryLocation')]");
    }

    [Fact]
    public void Cosmos_database_has_the_documented_containers_and_partition_keys()
    {
        ((string)Main.ModuleParameter("cosmos", "databaseName")!).ShouldBe("shop");

        var containers = Main.ModuleParameter("cosmos", "containers")!.AsArray()
            .Select(c => c!.AsObject())
            .ToDictionary(c => (string)c["name"]!, c => ((string)c["partitionKeyPath"]!, (int?)c["defaultTtl"]));

        containers.ShouldBe(
            new Dictionary<string, (string, int?)>
            {
                ["products"] = ("/id", null),
                ["taxonomy"] = ("/kind", null),
                ["inventory"] = ("/sku", null),
                ["idempotency"] = ("/id", 86400),
                ["carts"] = ("/id", -1),
                ["promotions"] = ("/id", null),
                ["coupon-usage"] = ("/code", null),
                ["orders"] = ("/id", null),
                ["webhook-events"] = ("/id", 2592000),
                ["tax-rates"] = ("/id", null),
                ["data-keys"] = ("/id", null),
                ["loyalty"] = ("/id", null),
                ["customers"] = ("/id", null),
                ["reviews"] = ("/productId", null),
                ["warehouses"] = ("/id", null),
                ["shipping-rates"] = ("/id", null),
                ["marketing-audiences"] = ("/id", null),
                ["campaigns"] = ("/campaignId", null),
                ["marketing-revenue"] = ("/campaignId", null),
                ["flash-sales"] = ("/saleId", null),
                ["marketing-feeds"] = ("/id", null),
                ["marketing-flows"] = ("/id", -1),
                ["analytics-behaviour"] = ("/partition", -1),
                ["analytics-reports"] = ("/id", null),
                ["analytics-sales"] = ("/period", null),
            },
            ignoreOrder: true);
    }

    [Fact]
    public void Function_app_runs_dotnet_isolated_10_on_flex_consumption()
    {
        var template = Main.ModuleTemplate("functionapp");

        var plan = template.SingleResourceOfType("Microsoft.Web/serverfarms");
        ((string)plan["sku"]!["name"]!).ShouldBe("FC1");
        ((string)plan["sku"]!["tier"]!).ShouldBe("FlexConsumption");

        var site = template.SingleResourceOfType("Microsoft.Web/sites");
        ((string)site["kind"]!).ShouldContain("linux");
        var config = site["properties"]!["functionAppConfig"]!;
        ((string)config["runtime"]!["name"]!).ShouldBe("dotnet-isolated");
        ((string)config["runtime"]!["version"]!).ShouldBe("10.0");
        ((string)config["deployment"]!["storage"]!["authentication"]!["type"]!).ShouldBe("UserAssignedIdentity");

        ((string)site["identity"]!["type"]!).ShouldBe("UserAssigned");
        ((string)site["properties"]!["keyVaultReferenceIdentity"]!).ShouldBe("[parameters('identityId')]");
        ((string)Main.ModuleParameter("functionapp", "azdServiceName")!).ShouldBe("api");
    }

    [Fact]
    public void App_settings_are_the_documented_identity_forms_and_nothing_else()
    {
        AppSettings().Keys.ShouldBe(
            [
                "AzureWebJobsStorage__accountName",
                "AzureWebJobsStorage__credential",
                "AzureWebJobsStorage__clientId",
                "AZURE_CLIENT_ID",
                "APPLICATIONINSIGHTS_CONNECTION_STRING",
                "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
                "Cosmos__AccountEndpoint",
                "Cosmos__DatabaseName",
                "Cosmos__ApplicationRegion",
                "Privacy__KeyVaultUri",
                "Media__BlobServiceUri",
                "Media__PublicBaseUrl",
                "Storefront__PublicBaseUrl",
                "Storefront__FrontDoor__EndpointResourceId",
                "Storefront__ApiBaseUrl",
                "Feeds__PublicBaseUrl",
                "Analytics__EventHubs__Namespace",
                "Analytics__EventHubs__Name",
                "Analytics__RawEvents__BlobServiceUri",
                "Analytics__RawRetentionDays",
                "Attribution__Meta__PixelId",
                "Attribution__Meta__AccessToken",
                "ServiceBus__FullyQualifiedNamespace",
                "ServiceBus__TopicName",
                "Email__Provider",
                "Email__SendGridApiKey",
                "Email__From",
                "Email__Merchandisers",
                "Payments__Card__Provider",
                "Payments__Stripe__SecretKey",
                "Payments__Stripe__WebhookSecret",
                "Shipping__Geocoding__AzureMapsClientId",
                "Shipping__Origin__Latitude",
                "Shipping__Origin__Longitude",
                "Reviews__InvitationSigningKey",
                "Marketing__LinkSigningKey",
                "Marketing__SendGrid__EventWebhookPublicKey",
                "Payments__BankTransfer__Iban",
                "Payments__BankTransfer__Bic",
                "Payments__BankTransfer__Beneficiary",
                "Payments__BankTransfer__DaysToPay",
                "Payments__BankTransfer__WebhookSecret",
                "Payments__PayPal__ClientId",
                "Payments__PayPal__ClientSecret",
                "Payments__PayPal__WebhookId",
                "Payments__PayPal__ApiBase",
                "Shipping__Carrier__Provider",
                "Shipping__Carrier__ApiKey",
                "Shipping__Carrier__WebhookSecret",
                "Shipping__Carrier__ShipFrom__Name",
                "Shipping__Carrier__ShipFrom__Line1",
                "Shipping__Carrier__ShipFrom__City",
                "Shipping__Carrier__ShipFrom__PostalCode",
                "Shipping__Carrier__ShipFrom__Country",
                "TrackingPollSchedule",
                "AbandonedCartSchedule",
                "BackInStockSchedule",
                "WelcomeSeriesSchedule",
                "WinBackSchedule",
                "BusinessReportsSchedule",
                "Auth__Authority",
                "Auth__Audience",
                "Auth__TrustPlatformPrincipal",
                "CustomerAuth__Authority",
                "CustomerAuth__Audience",
                "CustomerAuth__TenantId",
                "CustomerAuth__AccountsClientId",
                "Tax__Source",
                "Tax__DefaultCountry",
            ],
            ignoreOrder: true);
    }

    [Fact]
    public void App_settings_hold_no_key_and_no_literal_secret()
    {
        var settings = AppSettings();

        foreach (var (name, value) in settings)
        {
            foreach (var forbidden in new[] { "AccountKey=", "SharedAccessKey", "SharedAccessSignature", "InstrumentationKey=", "listKeys", "listConnectionStrings", "sig=" })
            {
                value.ShouldNotContain(forbidden, Case.Insensitive, $"app setting {name}");
            }

            // A literal (not an expression) can only be one of these known words or names from docs/configuration.md:
            // anything else typed into the template could be a pasted secret.
            if (!value.StartsWith('['))
            {
                value.ShouldBeOneOf(["managedidentity", "SendGrid", "false", "shop", "shop-events", "stripe"], $"app setting {name} is a literal");
            }
        }

        settings["AzureWebJobsStorage__credential"].ShouldBe("managedidentity");
        settings["Cosmos__DatabaseName"].ShouldBe("shop");
        settings["Email__SendGridApiKey"].ShouldStartWith("[format('@Microsoft.KeyVault(SecretUri=");
        settings["Email__SendGridApiKey"].ShouldContain("reference('keyVault').outputs.uri");
        foreach (var secret in new[] { "Payments__Stripe__SecretKey", "Payments__Stripe__WebhookSecret" })
            settings[secret].ShouldStartWith("[format('@Microsoft.KeyVault(SecretUri=", customMessage: $"{secret} must be a Key Vault reference, never a value");
        // The carrier's secrets exist only with a carrier, and then only as Key Vault references.
        foreach (var secret in new[] { "Shipping__Carrier__ApiKey", "Shipping__Carrier__WebhookSecret" })
            settings[secret].ShouldStartWith("[if(variables('carrierEnabled'), format('@Microsoft.KeyVault(SecretUri=", customMessage: $"{secret} must be a Key Vault reference, never a value");
        settings["Shipping__Carrier__Provider"].ShouldBe("[parameters('carrierProvider')]");
        settings["Payments__Card__Provider"].ShouldBe("stripe");
        settings["ServiceBus__TopicName"].ShouldBe("shop-events");
        settings["Media__PublicBaseUrl"].ShouldContain("reference('cdn')");
        // The storefront's address and the endpoint it purges are Front Door's, never a guess.
        settings["Storefront__PublicBaseUrl"].ShouldContain("reference('cdn')");
        settings["Storefront__FrontDoor__EndpointResourceId"].ShouldContain("reference('cdn')");
        settings["Storefront__ApiBaseUrl"].ShouldContain("reference('cdn')");
        settings["Auth__Authority"].ShouldBe("[parameters('authAuthority')]");
        settings["Auth__Audience"].ShouldBe("[parameters('authAudience')]");
        settings["CustomerAuth__Authority"].ShouldBe("[parameters('customerAuthAuthority')]");
        settings["CustomerAuth__Audience"].ShouldBe("[parameters('customerAuthAudience')]");
        settings["CustomerAuth__TenantId"].ShouldBe("[parameters('customerAuthTenantId')]");
        settings["CustomerAuth__AccountsClientId"].ShouldBe("[parameters('customerAccountsClientId')]");
        settings["Tax__Source"].ShouldBe("[parameters('taxSource')]");
        settings["Tax__DefaultCountry"].ShouldBe("[parameters('taxDefaultCountry')]");
    }

    [Fact]
    public void The_tax_source_is_a_required_parameter_that_takes_only_the_real_sources()
    {
        var parameter = Main.Parameters["taxSource"]!.AsObject();

        parameter.ContainsKey("defaultValue").ShouldBeFalse("Azure has no default tax source: a deployment must choose one");
        parameter["allowedValues"]!.AsArray().Select(v => (string)v!).ShouldBe(["rates", "stripe"]);
    }

    [Fact]
    public void No_template_reads_keys_and_no_output_carries_one()
    {
        foreach (var template in Main.SelfAndNested())
        {
            foreach (var function in new[] { "listKeys(", "listConnectionStrings(", "listAccountSas(", "listServiceSas(", "listSecrets(" })
            {
                template.Text.ShouldNotContain(function, Case.Insensitive);
            }
        }

        foreach (var (name, output) in Main.Outputs)
        {
            ((string)output!["type"]!).ShouldBe("string", $"output {name}");
            ArmTemplate.Json(output).ShouldNotContain("ConnectionString", Case.Insensitive, $"output {name}");
        }
    }

    [Fact]
    public void Local_authentication_is_disabled_on_every_data_service()
    {
        var storage = Main.ModuleTemplate("storage");
        var secureDefaults = storage.Variable("secureDefaults")!;
        ((bool)secureDefaults["allowSharedKeyAccess"]!).ShouldBeFalse();
        foreach (var account in storage.ResourcesOfType("Microsoft.Storage/storageAccounts"))
        {
            ((string)account["properties"]!).ShouldContain("variables('secureDefaults')");
        }

        ((bool)Main.ModuleTemplate("servicebus").SingleResourceOfType("Microsoft.ServiceBus/namespaces")["properties"]!["disableLocalAuth"]!).ShouldBeTrue();
        ((bool)Main.ModuleTemplate("keyvault").SingleResourceOfType("Microsoft.KeyVault/vaults")["properties"]!["enableRbacAuthorization"]!).ShouldBeTrue();
        ((bool)Main.ModuleTemplate("monitoring").SingleResourceOfType("Microsoft.Insights/components")["properties"]!["DisableLocalAuth"]!).ShouldBeTrue();
    }

    [Fact]
    public void Storage_has_the_documented_queues_and_media_containers()
    {
        var storage = Main.ModuleTemplate("storage");

        Main.Variable("appQueues")!.AsArray().Select(q => (string)q!).ShouldBe(["image-processing", "low-stock-alerts", "order-events", "storefront-changes"], ignoreOrder: true);
        var queues = (string)Main.ModuleParameter("storage", "queueNames")!;
        queues.ShouldContain("variables('appQueues')");
        queues.ShouldContain("-poison");

        ((string)Main.ModuleParameter("storage", "publicImagesContainerName")!).ShouldBe("product-images");
        ((string)Main.ModuleParameter("storage", "uploadsContainerName")!).ShouldBe("product-uploads");
        var containers = storage.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers")
            .ToDictionary(c => (string)c["name"]!, c => (string)c["properties"]!["publicAccess"]!);
        containers.ShouldContainKeyAndValue("[format('{0}/{1}/{2}', parameters('mediaAccountName'), 'default', parameters('publicImagesContainerName'))]", "Blob");
        containers.ShouldContainKeyAndValue("[format('{0}/{1}/{2}', parameters('mediaAccountName'), 'default', parameters('uploadsContainerName'))]", "None");
        // The storefront's sitemaps: private, served by the app.
        // and the business reports' archive: private, read through the reports API.
        Main.ModuleParameter("storage", "privateContainerNames")!.AsArray().Select(n => (string)n!).ShouldBe(["storefront", "reports"], ignoreOrder: true);

        var cors = storage.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices")
            .Select(b => b["properties"]?["cors"]?["corsRules"]?.AsArray())
            .Single(rules => rules is not null)!;
        cors.SelectMany(rule => rule!["allowedMethods"]!.AsArray()).Select(m => (string)m!).ShouldContain("PUT");
    }

    [Fact]
    public void Cdn_serves_the_public_images_container_from_the_media_account()
    {
        var cdn = Main.ModuleTemplate("cdn");
        ((string)cdn.SingleResourceOfType("Microsoft.Cdn/profiles")["sku"]!["name"]!).ShouldBe("Standard_AzureFrontDoor");
        ((string)cdn.SingleResourceOfType("Microsoft.Cdn/profiles/originGroups/origins")["properties"]!["hostName"]!).ShouldBe("[parameters('originHostName')]");
        ((string)Main.ModuleParameter("cdn", "originHostName")!).ShouldBe("[reference('storage').outputs.mediaBlobHostName.value]");
        ((string)Main.ModuleParameter("cdn", "publicContainerName")!).ShouldBe("product-images");
    }

    [Fact]
    public void The_app_identity_gets_each_data_role_on_the_right_resource()
    {
        var rbac = Main.ModuleTemplate("rbac-app");
        var roles = rbac.Variable("roles")!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);

        var granted = new HashSet<(string Resource, string Role)>();
        foreach (var assignment in rbac.ResourcesOfType("Microsoft.Authorization/roleAssignments"))
        {
            var scope = ResourceParameter().Match((string)assignment["scope"]!).Groups[1].Value;
            foreach (Match role in RoleReference().Matches(ArmTemplate.Json(assignment)))
            {
                granted.Add((scope, roles[role.Groups[1].Value]));
            }
        }

        granted.ShouldBe(
            [
                ("hostStorageAccountName", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"), // Storage Blob Data Owner
                ("hostStorageAccountName", "974c5e8b-45b9-4653-ba55-5f855dd0fb88"), // Storage Queue Data Contributor
                ("hostStorageAccountName", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"), // Storage Table Data Contributor
                ("mediaStorageAccountName", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"), // Storage Blob Data Contributor
                ("mediaStorageAccountName", "db58b8e5-c6ad-4a2a-8342-4190687cbf4a"), // Storage Blob Delegator
                ("serviceBusNamespaceName", "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"), // Azure Service Bus Data Sender
                ("applicationInsightsName", "3913510d-42f4-4e42-8a64-420c390055eb"), // Monitoring Metrics Publisher
            ],
            ignoreOrder: true);

        // Key Vault: Secrets User for the app, Secrets Officer for the developer who sets the secret.
        var keyVaultAssignment = rbac.ResourcesOfType("Microsoft.Authorization/roleAssignments")
            .Single(a => ((string)a["scope"]!).Contains("keyVaultName"));
        ArmTemplate.Json(keyVaultAssignment).ShouldContain("variables('keyVaultRoleId')");
        roles["keyVaultSecretsUser"].ShouldBe("4633458b-17de-408a-b874-0445c86b69e6");
        roles["keyVaultSecretsOfficer"].ShouldBe("b86a8fe4-44ce-4948-aee5-eccb2c155cd7");
        Main.ModuleParameter("rbac-app", "principal")!["canWriteSecrets"]!.GetValue<bool>().ShouldBeFalse();
        ((string)Main.ModuleParameter("rbac-app", "principal")!["principalType"]!).ShouldBe("ServicePrincipal");

        // Cosmos DB data plane: Built-in Data Contributor, scoped to the shop database.
        var cosmos = rbac.SingleResourceOfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");
        ((string)rbac.Root["variables"]!["cosmosDataContributorRoleId"]!).ShouldBe("00000000-0000-0000-0000-000000000002");
        ((string)cosmos["properties"]!["scope"]!).ShouldContain("/dbs/");
    }

    [Fact]
    public void The_developer_gets_the_same_roles_only_when_a_principal_id_is_given()
    {
        var developer = Main.Module("rbac-developer");
        ((string)developer["condition"]!).ShouldBe("[not(empty(parameters('principalId')))]");
        ArmTemplate.Json(developer["properties"]!["template"])
            .ShouldBe(ArmTemplate.Json(Main.Module("rbac-app")["properties"]!["template"]));
        Main.ModuleParameter("rbac-developer", "principal")!["canWriteSecrets"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public void Outputs_give_azd_the_app_name_and_the_public_urls()
    {
        foreach (var name in new[] { "AZURE_FUNCTION_APP_NAME", "AZURE_RESOURCE_GROUP", "API_BASE_URL", "CDN_BASE_URL", "AZURE_KEY_VAULT_NAME" })
        {
            Main.Outputs.ContainsKey(name).ShouldBeTrue($"missing output {name}");
        }
    }

    /// <summary>The app settings main.bicep gives the function app, with plain variable references resolved.</summary>
    internal static Dictionary<string, string> AppSettings() =>
        Main.ModuleParameter("functionapp", "appSettings")!.AsObject()
            .ToDictionary(p => p.Key, p => (string)Main.Resolve(p.Value)!);

    [GeneratedRegex(@"parameters\('resources'\)\.(\w+)")]
    private static partial Regex ResourceParameter();

    [GeneratedRegex(@"variables\('roles'\)\.(\w+)")]
    private static partial Regex RoleReference();
}
