namespace Serverless.Shop.IntegrationTests.CrashRecovery;

/// <summary>
/// Exactly-once checkout, proven by crashing it: for each way to pay, the local host runs as a child process, stops at a
/// step (before it, or after its effect and before its completion is recorded) and is killed there with SIGKILL; the
/// same host restarted on the same data must then finish the checkout with one charge (or one charge and one refund),
/// the stock committed once and no reservation left, the coupon counted once, one order in the right state, one
/// confirmation email and one integration event per change. The matrix runs once for all rows (CrashMatrixFixture)
/// and is written to docs/checkout.md with SHOP_WRITE_DOCS=1.
/// </summary>
[Collection(CrashMatrixCollection.Name)]
public sealed class CrashMatrixTests(CrashMatrixFixture matrix)
{
    public static TheoryData<string> Cases => new(CrashMatrixFixture.Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_checkout_killed_here_finishes_exactly_once_after_a_restart(string crashCase)
    {
        matrix.Results.ShouldContainKey(crashCase);
        var result = matrix.Results[crashCase];
        result.Killed.ShouldBeTrue(result.Describe());
        result.Passed.ShouldBeTrue(result.Describe());
    }
}
