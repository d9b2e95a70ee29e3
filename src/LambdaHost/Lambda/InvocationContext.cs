namespace CleanCqrs.LambdaHost.Lambda;

/// <summary>
/// What the Lambda Runtime API says about one invocation (or what local mode makes up for it):
/// its request id, when it times out, and its X-Ray trace header.
/// </summary>
public sealed record InvocationContext(string RequestId, DateTimeOffset Deadline, string? TraceId = null)
{
    /// <summary>A fresh context for an invocation that does not come from the Runtime API.</summary>
    public static InvocationContext Local(TimeProvider clock, TimeSpan timeout) =>
        new(Guid.NewGuid().ToString(), clock.GetUtcNow() + timeout);
}

/// <summary>
/// The function cannot handle this event at all; the runtime loop reports it to the Runtime API's
/// error endpoint with <see cref="ErrorType"/>.
/// </summary>
public abstract class InvocationException(string errorType, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The <c>errorType</c> reported for the invocation (AWS style: <c>Category.Reason</c>).</summary>
    public string ErrorType { get; } = errorType;
}

/// <summary>An event of a shape this function does not accept.</summary>
public sealed class UnsupportedEventException(string message)
    : InvocationException("Function.UnsupportedEvent", message);

/// <summary>An event that is not valid JSON, or of a known kind but malformed.</summary>
public sealed class InvalidEventException(string message, Exception? innerException = null)
    : InvocationException("Function.InvalidEvent", message, innerException);
