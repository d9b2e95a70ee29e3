using System.Globalization;
using System.Net;

namespace CleanCqrs.Infrastructure.Messaging.Sns;

/// <summary>
/// A call to SNS that failed: an AWS error response (<see cref="Code"/> such as <c>InvalidParameter</c>),
/// a response that could not be read, or a transport failure (<see cref="StatusCode"/> null).
/// </summary>
public class SnsException : Exception
{
    public SnsException(
        string action,
        string code,
        string? serviceMessage,
        HttpStatusCode? statusCode,
        string? requestId,
        bool isRetryable,
        Exception? innerException = null)
        : base(Describe(action, code, serviceMessage, statusCode, requestId), innerException)
    {
        Action = action;
        Code = code;
        ServiceMessage = serviceMessage;
        StatusCode = statusCode;
        RequestId = requestId;
        IsRetryable = isRetryable;
    }

    /// <summary>The Query API action that failed, e.g. <c>Publish</c>.</summary>
    public string Action { get; }

    /// <summary>The AWS error code (<c>Error/Code</c>), or <c>Transport</c>, <c>Timeout</c>, <c>MalformedResponse</c>, <c>Http{status}</c>.</summary>
    public string Code { get; }

    /// <summary>The AWS error message (<c>Error/Message</c>) as sent, when there was one.</summary>
    public string? ServiceMessage { get; }

    /// <summary>The HTTP status of the last attempt; null when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    public string? RequestId { get; }

    /// <summary>Whether trying the same request again may succeed (throttling, 5xx, transport).</summary>
    public bool IsRetryable { get; }

    private static string Describe(string action, string code, string? message, HttpStatusCode? status, string? requestId)
    {
        var statusText = status is { } s ? string.Create(CultureInfo.InvariantCulture, $" (HTTP {(int)s})") : string.Empty;
        var messageText = string.IsNullOrEmpty(message) ? string.Empty : $": {message}";
        var requestText = string.IsNullOrEmpty(requestId) ? string.Empty : $" [request {requestId}]";
        return $"SNS {action} failed with {code}{statusText}{messageText}{requestText}";
    }
}

/// <summary>
/// A <c>PublishBatch</c> that SNS answered with 200 but in which some entries were refused; entries
/// after the failed batch were not sent.
/// </summary>
public sealed class SnsBatchException(IReadOnlyList<SnsBatchFailure> failed, string? requestId)
    : SnsException(
        "PublishBatch",
        failed.Count > 0 ? failed[0].Code : "BatchEntryFailed",
        $"{failed.Count} entr{(failed.Count == 1 ? "y" : "ies")} refused: "
            + string.Join("; ", failed.Select(f => $"{f.Id} {f.Code}{(f.Message is null ? string.Empty : " " + f.Message)}")),
        HttpStatusCode.OK,
        requestId,
        isRetryable: failed.All(f => !f.SenderFault))
{
    public IReadOnlyList<SnsBatchFailure> Failed { get; } = failed;
}
