namespace Serverless.Shop.Functions.Http;

/// <summary>
/// Who may call an HTTP function. Every HTTP function carries exactly one of <see cref="PublicEndpointAttribute"/> or
/// <see cref="RequiresRoleAttribute"/>; the pipeline refuses to run one that has neither (deny by default), and a test
/// checks that none is missing.
/// </summary>
public interface IEndpointAccess
{
    IReadOnlyList<string> Roles { get; }
}

/// <summary>Anyone may call it, signed in or not (the storefront's reads, health).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PublicEndpointAttribute : Attribute, IEndpointAccess
{
    public IReadOnlyList<string> Roles => [];

    /// <summary>
    /// What protects a public endpoint that changes state, in place of a role (e.g. a guest's cart token). Required for
    /// such endpoints, so that each exception to "every write needs a role" is deliberate and explained (a test checks).
    /// </summary>
    public string? Guard { get; init; }
}

/// <summary>Only a signed-in caller holding at least one of the roles may call it.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresRoleAttribute(params string[] roles) : Attribute, IEndpointAccess
{
    public IReadOnlyList<string> Roles { get; } = roles;
}

/// <summary>What the OpenAPI document says about an HTTP function.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApiDocAttribute(string tag, string summary) : Attribute
{
    public string Tag { get; } = tag;
    public string Summary { get; } = summary;
    public Type? Request { get; init; }
    public string RequestContentType { get; init; } = "application/json";
    public Type? Response { get; init; }
    public int SuccessStatus { get; init; } = 200;

    /// <summary>Query parameters, each "name: description".</summary>
    public string[] Query { get; init; } = [];
}

/// <summary>
/// The largest body a function takes, when it is not a JSON body (<see cref="HttpRequestReading.MaximumJsonBytes"/>):
/// the pipeline refuses a larger one with 413 before it reads or hashes it for an Idempotency-Key.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MaximumBodyBytesAttribute(long bytes) : Attribute
{
    public long Bytes { get; } = bytes;
}
