using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Shop.LocalHost.Hosting;
using Serverless.Shop.LocalHost.LocalStack;

namespace Serverless.Shop.IntegrationTests.Hosting;

/// <summary>The local host's crash points (--crash-at) and its option to run on emulators another process keeps, which the crash tests rely on.</summary>
public sealed class CrashPointTests
{
    [Theory]
    [InlineData("CheckoutTakePayment:after", "CheckoutTakePayment", CrashMoment.After)]
    [InlineData("CheckoutMarkPaid:Before", "CheckoutMarkPaid", CrashMoment.Before)]
    [InlineData("signal:before", CrashPoint.SignalStep, CrashMoment.Before)]
    public void Reads_a_step_and_a_moment(string text, string step, CrashMoment moment)
    {
        var point = CrashPoint.Parse(text);

        point.Step.ShouldBe(step);
        point.Moment.ShouldBe(moment);
        point.ToString().ShouldBe($"{step}:{moment.ToString().ToLowerInvariant()}");
    }

    [Theory]
    [InlineData("CheckoutTakePayment")]
    [InlineData("CheckoutTakePayment:during")]
    [InlineData(":after")]
    [InlineData("CheckoutTakePayment:2")]
    public void Refuses_anything_else_and_says_what_it_takes(string text)
    {
        Should.Throw<FormatException>(() => CrashPoint.Parse(text)).Message.ShouldContain(":before or :after");
    }

    [Fact]
    public async Task Stops_each_order_once_at_its_point_and_lets_everything_else_through()
    {
        var point = new CrashPoint("CheckoutMarkPaid", CrashMoment.After);

        var stopped = point.ReachedAsync("CheckoutMarkPaid", CrashMoment.After, "SS-1");
        var again = point.ReachedAsync("CheckoutMarkPaid", CrashMoment.After, "SS-1");
        var other = point.ReachedAsync("CheckoutMarkPaid", CrashMoment.After, "SS-2");

        point.ReachedAsync("CheckoutMarkPaid", CrashMoment.Before, "SS-3").IsCompleted.ShouldBeTrue();
        point.ReachedAsync("CheckoutCommitStock", CrashMoment.After, "SS-3").IsCompleted.ShouldBeTrue();
        again.IsCompleted.ShouldBeTrue();
        (await Task.WhenAny(stopped, other, Task.Delay(300))).ShouldNotBe(stopped);
        stopped.IsCompleted.ShouldBeFalse();
        other.IsCompleted.ShouldBeFalse();
    }

    [Fact]
    public void Attaches_to_running_emulators_by_their_connection_strings_and_refuses_one_without_endpoints()
    {
        const string storage = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:41000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:41001/devstoreaccount1;TableEndpoint=http://127.0.0.1:41002/devstoreaccount1;";
        var stack = RunningLocalStack.Attach(storage, "AccountEndpoint=http://127.0.0.1:41003/;AccountKey=a2V5;", NullLogger.Instance);

        stack.BlobEndpoint.ShouldBe(new Uri("http://127.0.0.1:41000/devstoreaccount1"));
        stack.QueueEndpoint.Port.ShouldBe(41001);
        stack.CosmosEndpoint.ShouldBe(new Uri("http://127.0.0.1:41003/"));
        stack.StorageConnectionString.ShouldContain("QueueEndpoint=http://127.0.0.1:41001/devstoreaccount1");
        Should.Throw<ArgumentException>(() => RunningLocalStack.Attach("UseDevelopmentStorage=true", "AccountEndpoint=http://127.0.0.1:41003/;", NullLogger.Instance))
            .Message.ShouldContain("BlobEndpoint");
    }
}
