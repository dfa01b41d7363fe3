namespace Serverless.Shop.Deployment.Tests;

/// <summary>
/// What `azd up` can turn on beyond the defaults: bank transfer, PayPal and browser access to the API from a
/// storefront on another origin. Each is off unless its parameters are given, and secrets are only Key Vault references.
/// </summary>
public sealed class OptionalFeaturesTemplateTests
{
    private static ArmTemplate Main => ArmTemplate.Main;

    /// <summary>The expression of a Key Vault reference to the secret named by a main.bicep variable.</summary>
    private static string KeyVaultReferenceTo(string secretNameVariable) =>
        $"format('@Microsoft.KeyVault(SecretUri={{0}}secrets/{{1}})', reference('keyVault').outputs.uri.value, variables('{secretNameVariable}'))";

    [Theory]
    [InlineData("bankTransferIban")]
    [InlineData("bankTransferBic")]
    [InlineData("bankTransferBeneficiary")]
    [InlineData("bankTransferDaysToPay")]
    [InlineData("payPalClientId")]
    [InlineData("payPalWebhookId")]
    public void Payment_method_parameters_are_empty_by_default(string parameter)
    {
        // An empty app setting is an unset one to the app (AlternativePaymentsSettings), so the method stays off.
        var declared = Main.Parameters[parameter]!;
        ((string)declared["type"]!).ShouldBe("string");
        ((string)declared["defaultValue"]!).ShouldBeEmpty();
    }

    [Fact]
    public void Bank_transfer_settings_come_from_parameters_and_its_webhook_secret_from_key_vault()
    {
        var settings = MainTemplateTests.AppSettings();

        settings["Payments__BankTransfer__Iban"].ShouldBe("[parameters('bankTransferIban')]");
        settings["Payments__BankTransfer__Bic"].ShouldBe("[parameters('bankTransferBic')]");
        settings["Payments__BankTransfer__Beneficiary"].ShouldBe("[parameters('bankTransferBeneficiary')]");
        settings["Payments__BankTransfer__DaysToPay"].ShouldBe("[parameters('bankTransferDaysToPay')]");

        // Off: empty. On (an IBAN given): a Key Vault reference, never a value.
        ((string)Main.Variable("bankTransferEnabled")!).ShouldBe("[not(empty(parameters('bankTransferIban')))]");
        settings["Payments__BankTransfer__WebhookSecret"].ShouldBe(
            $"[if(variables('bankTransferEnabled'), {KeyVaultReferenceTo("bankTransferWebhookSecretName")}, '')]");
        ((string)Main.Variable("bankTransferWebhookSecretName")!).ShouldBe("bank-transfer-webhook-secret");
    }

    [Fact]
    public void PayPal_settings_come_from_parameters_and_its_client_secret_from_key_vault()
    {
        var settings = MainTemplateTests.AppSettings();

        settings["Payments__PayPal__ClientId"].ShouldBe("[parameters('payPalClientId')]");
        settings["Payments__PayPal__WebhookId"].ShouldBe("[parameters('payPalWebhookId')]");
        ((string)Main.Variable("payPalEnabled")!).ShouldBe("[not(empty(parameters('payPalClientId')))]");
        settings["Payments__PayPal__ClientSecret"].ShouldBe(
            $"[if(variables('payPalEnabled'), {KeyVaultReferenceTo("payPalClientSecretName")}, '')]");
        ((string)Main.Variable("payPalClientSecretName")!).ShouldBe("paypal-client-secret");

        // The API is chosen by name, live unless the sandbox is asked for, so a deployment never guesses a URL.
        settings["Payments__PayPal__ApiBase"].ShouldBe("[if(variables('payPalEnabled'), variables('payPalApiBases')[parameters('payPalEnvironment')], '')]");
        var apiBases = Main.Variable("payPalApiBases")!.AsObject();
        ((string)apiBases["live"]!).ShouldBe("https://api-m.paypal.com");
        ((string)apiBases["sandbox"]!).ShouldBe("https://api-m.sandbox.paypal.com");
        var environment = Main.Parameters["payPalEnvironment"]!;
        ((string)environment["defaultValue"]!).ShouldBe("live");
        environment["allowedValues"]!.AsArray().Select(v => (string)v!).ShouldBe(["live", "sandbox"], ignoreOrder: true);
    }

    [Fact]
    public void No_payment_secret_is_a_parameter()
    {
        foreach (var (name, parameter) in Main.Parameters)
        {
            name.ShouldNotContain("secret", Case.Insensitive);
            name.ShouldNotContain("password", Case.Insensitive);
            ((string)parameter!["type"]!).ShouldNotStartWith("secure", customMessage: $"parameter {name}: secrets are set in Key Vault, never passed to a deployment");
        }
    }

    [Fact]
    public void Api_cors_origins_are_a_parameter_and_same_origin_only_by_default()
    {
        var declared = Main.Parameters["apiCorsAllowedOrigins"]!;
        ((string)declared["defaultValue"]!).ShouldBeEmpty();

        // A comma-separated list, as an azd environment value can only be a string; blanks are dropped.
        ((string)Main.ModuleParameter("functionapp", "corsAllowedOrigins")!).ShouldBe(
            "[filter(map(split(parameters('apiCorsAllowedOrigins'), ','), lambda('origin', trim(lambdaVariables('origin')))), lambda('origin', not(empty(lambdaVariables('origin')))))]");

        var cors = Main.ModuleTemplate("functionapp").SingleResourceOfType("Microsoft.Web/sites")["properties"]!["siteConfig"]!["cors"]!;
        ((string)cors["allowedOrigins"]!).ShouldBe("[parameters('corsAllowedOrigins')]");
        // Bearer tokens travel in a header: no cookies, so credentials stay off.
        ((bool)cors["supportCredentials"]!).ShouldBeFalse();
    }
}
