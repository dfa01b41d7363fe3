using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Serverless.Shop.Domain.Administration;
using Serverless.Shop.Domain.Common;
using Serverless.Shop.Domain.Privacy;
using Serverless.Shop.Infrastructure.Common;

namespace Serverless.Shop.Functions.Http;

/// <summary>
/// What happens around every HTTP function, in one place: authentication and roles, Idempotency-Key on POSTs,
/// conditional GETs, and turning every failure into a problem response. The Functions worker runs it from
/// <see cref="HttpPipelineMiddleware"/>; the local host runs the very same object around its invocation.
/// </summary>
public sealed class HttpPipeline(
    RequestAuthenticator authenticator, IIdempotencyStore idempotency, ILogger<HttpPipeline> logger, bool countCosmosCalls = false, IPersonalDataVault? vault = null)
{
    // What a customer's stored response starts with once sealed; a replay opens it with the same customer's key.
    private const string SealedBodyPrefix = "sealed:";

    private const int MaximumIdempotencyKeyLength = 255;

    public async Task<IActionResult> RunAsync(HttpContext http, MethodInfo function, Func<Task<IActionResult?>> invoke)
    {
        var cosmosCalls = CosmosCallCounter.BeginScope();
        var result = await RunGuardedAsync(http, function, invoke);
        if (countCosmosCalls && result is ApiResult api) api.Headers["X-Cosmos-Calls"] = cosmosCalls.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return result;
    }

    private async Task<IActionResult> RunGuardedAsync(HttpContext http, MethodInfo function, Func<Task<IActionResult?>> invoke)
    {
        try
        {
            var access = function.GetCustomAttributes().OfType<IEndpointAccess>().ToList();
            if (access.Count != 1)
                throw new InvalidOperationException($"{function.DeclaringType?.Name}.{function.Name} must declare exactly one access rule ([PublicEndpoint] or [RequiresRole]).");

            var authentication = await authenticator.AuthenticateAsync(http.Request);
            if (authentication is Authentication.Failed failed) return Problems.Unauthorized(http, failed.Reason);
            var actor = Actor.Anonymous;
            if (authentication is Authentication.Succeeded ok)
            {
                http.User = ok.Principal;
                actor = ok.Actor;
            }
            http.Items[typeof(Actor)] = actor;

            var roles = access[0].Roles;
            if (roles.Count > 0 && authentication is not Authentication.Succeeded) return Problems.Unauthorized(http, "Send a bearer token.");
            if (roles.Count > 0 && !actor.IsInAnyRole(roles)) return Problems.Forbidden(http, roles);

            if (HttpMethods.IsPost(http.Request.Method) && http.Request.Headers.TryGetValue("Idempotency-Key", out var key))
                return await RunOnceAsync(http, actor, key.ToString(), MaximumBodyBytes(function), invoke);

            var result = await invoke() ?? throw new InvalidOperationException($"{function.Name} returned no result.");
            return NotModifiedIfUnchanged(http, result);
        }
        catch (Exception e)
        {
            return Fail(http, e);
        }
    }

    /// <summary>
    /// Runs a POST once per key and caller: a retry gets the stored response of the first run (Stripe's semantics).
    /// The key is scoped to the caller and the route, so two clients cannot collide and one key cannot be replayed elsewhere.
    /// </summary>
    // Guests all share the anonymous identity; a guest holding a cart token is told apart by it (its hash), so one
    // guest's key never replays another guest's answer (a checkout, say). A guest creating a cart has no token yet: a
    // replay of its key returns that cart and its token, so a storefront's keys must be random (docs/api.md).
    private static string CallerScope(HttpContext http, Actor actor) =>
        actor.Id == Actor.Anonymous.Id && http.Request.Headers.TryGetValue("Cart-Token", out var token) && token.Count == 1
            ? $"{actor.Id}:{Hash(token.ToString())}"
            : actor.Id;

    private async Task<IActionResult> RunOnceAsync(HttpContext http, Actor actor, string key, long maximumBodyBytes, Func<Task<IActionResult?>> invoke)
    {
        if (key.Length is 0 or > MaximumIdempotencyKeyLength)
            throw ValidationFailedException.For("Idempotency-Key", $"must be 1 to {MaximumIdempotencyKeyLength} characters.");

        var scope = Hash($"{CallerScope(http, actor)}\n{http.Request.Method}\n{http.Request.Path}\n{key}");
        var fingerprint = await FingerprintAsync(http.Request, maximumBodyBytes);
        var claim = await idempotency.ClaimAsync(scope, fingerprint, http.RequestAborted);
        switch (claim)
        {
            case IdempotencyClaim.Replay replay:
                var body = await OpenAsync(actor, replay.Response.Body, http.RequestAborted);
                var replayed = new ApiResult(replay.Response.StatusCode, body is null ? null : new RawJson(body),
                    replay.Response.Headers.TryGetValue("Content-Type", out var type) ? type : "application/json");
                foreach (var (name, value) in replay.Response.Headers.Where(h => h.Key != "Content-Type")) replayed.Headers[name] = value;
                replayed.Headers["Idempotent-Replayed"] = "true";
                return replayed;
            case IdempotencyClaim.InProgress:
                throw new RequestInProgressException();
            case IdempotencyClaim.Mismatch:
                return Problems.IdempotencyKeyMismatch(http);
        }

        // A customer's answer is stored sealed: their key is opened before the function runs, so keys that cannot be read
        // fail the request before it changes anything, never after (the claim is let go and a retry runs again).
        IPersonalDataKey? sealingKey;
        try
        {
            sealingKey = vault is not null && IsCustomer(actor) ? await vault.OpenAsync(DataOwner.Customer(actor.Id), createIfMissing: true, http.RequestAborted) : null;
        }
        catch (Exception)
        {
            await idempotency.ReleaseAsync(scope, CancellationToken.None);
            throw;
        }

        IActionResult result;
        try
        {
            result = await invoke() ?? throw new InvalidOperationException("The function returned no result.");
        }
        catch (Exception e)
        {
            result = Fail(http, e);
        }

        // Answers that depend only on the request are kept and replayed; server errors are forgotten so a retry runs again.
        if (result is ApiResult api && api.StatusCode < 500)
        {
            var headers = new Dictionary<string, string>(api.Headers) { ["Content-Type"] = api.ContentType };
            await idempotency.CompleteAsync(scope, new StoredResponse(api.StatusCode, Seal(sealingKey, api.SerializedBody), headers), CancellationToken.None);
        }
        else
        {
            await idempotency.ReleaseAsync(scope, CancellationToken.None);
        }
        return result;
    }

    /// <summary>
    /// A customer's stored response is sealed with their data key, so the idempotency container holds no plain personal
    /// data (an address they added, their profile) and erasing them shreds it too (IdempotentResponseSealingTests). Staff
    /// and guests' answers are kept as they are: a guest's carry no personal data (a cart, an order number).
    /// </summary>
    private static string? Seal(IPersonalDataKey? key, string? body) => body is not null && key is not null ? SealedBodyPrefix + key.Seal(body) : body;

    // An erased customer's stored response opens to nothing: the replay keeps its status and has no body.
    private async Task<string?> OpenAsync(Actor actor, string? stored, CancellationToken ct)
    {
        if (stored is null || !stored.StartsWith(SealedBodyPrefix, StringComparison.Ordinal) || vault is null) return stored;
        var opened = (await vault.OpenAsync(DataOwner.Customer(actor.Id), createIfMissing: false, ct)).Unseal(stored[SealedBodyPrefix.Length..]);
        return opened == PersonalData.Erased ? null : opened;
    }

    private static bool IsCustomer(Actor actor) => actor.Id != Actor.Anonymous.Id && actor.Roles.Contains(ShopRoles.Customer);

    private ApiResult Fail(HttpContext http, Exception e)
    {
        var problem = Problems.From(e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerException! : e, http);
        if (problem.StatusCode >= 500) logger.LogError(e, "Unhandled failure in {Method} {Path}", http.Request.Method, http.Request.Path);
        else logger.LogInformation("Request {Method} {Path} refused with {Status}: {Reason}", http.Request.Method, http.Request.Path, problem.StatusCode, e.Message);
        return problem;
    }

    private static IActionResult NotModifiedIfUnchanged(HttpContext http, IActionResult result)
    {
        if (!HttpMethods.IsGet(http.Request.Method) || result is not ApiResult { StatusCode: 200 } ok) return result;
        if (!ok.Headers.TryGetValue("ETag", out var etag) || http.Request.Headers.IfNoneMatch.ToString() != etag) return result;
        var notModified = new ApiResult(StatusCodes.Status304NotModified, null);
        notModified.Headers["ETag"] = etag;
        return notModified;
    }

    /// <summary>The function's own body limit: JSON's unless it declares a larger one (an image upload).</summary>
    private static long MaximumBodyBytes(MethodInfo function) =>
        function.GetCustomAttribute<MaximumBodyBytesAttribute>()?.Bytes ?? HttpRequestReading.MaximumJsonBytes;

    /// <summary>
    /// The body's hash, read only within the function's size limit: a larger body is refused (413) before the key is
    /// claimed, when Content-Length says so at once, else (chunked) as soon as one byte more than the limit has arrived.
    /// The body is kept (buffered) for the function to read again.
    /// </summary>
    private static async Task<string> FingerprintAsync(HttpRequest request, long maximumBytes)
    {
        var tooLarge = () => new InputTooLargeException($"The body may be at most {maximumBytes / 1024} KB.");
        if (request.ContentLength > maximumBytes) throw tooLarge();
        request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: maximumBytes + 1);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[16 * 1024];
        long total = 0;
        int read;
        // Never more than one byte past the limit, which is also where the buffer stops.
        while ((read = await request.Body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, maximumBytes + 1 - total)), request.HttpContext.RequestAborted)) > 0)
        {
            if ((total += read) > maximumBytes) throw tooLarge();
            hash.AppendData(chunk, 0, read);
        }
        request.Body.Position = 0;
        return Convert.ToHexString(hash.GetHashAndReset()) + ":" + request.QueryString.Value;
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>A JSON text stored earlier, written out as is.</summary>
internal sealed class RawJson(string json)
{
    public string Json { get; } = json;
}

public static class HttpContextActor
{
    /// <summary>The caller, as the pipeline authenticated it.</summary>
    public static Actor Actor(this HttpRequest request) =>
        request.HttpContext.Items.TryGetValue(typeof(Actor), out var actor) && actor is Actor a ? a : Domain.Administration.Actor.Anonymous;
}
