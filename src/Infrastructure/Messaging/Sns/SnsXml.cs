using System.Net;
using System.Xml;
using System.Xml.Linq;

namespace CleanCqrs.Infrastructure.Messaging.Sns;

/// <summary>
/// Reads SNS Query responses. Elements are matched by local name because the service namespace is
/// spelled with http in the model and https in the documentation.
/// </summary>
internal static class SnsXml
{
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
    };

    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling",
        "ThrottlingException",
        "Throttled",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "KMSThrottling",
    };

    public static SnsPublishResult ReadPublish(string body, HttpStatusCode status)
    {
        var root = Load("Publish", body, status);
        var result = Child(root, "PublishResult");
        var messageId = Text(result, "MessageId");
        if (string.IsNullOrEmpty(messageId))
        {
            throw Malformed("Publish", status, "the response has no PublishResult/MessageId", RequestIdOf(root));
        }

        return new SnsPublishResult(messageId, Text(result, "SequenceNumber"), RequestIdOf(root));
    }

    public static (IReadOnlyList<SnsBatchResultEntry> Successful, IReadOnlyList<SnsBatchFailure> Failed, string? RequestId) ReadPublishBatch(
        string body,
        HttpStatusCode status)
    {
        var root = Load("PublishBatch", body, status);
        var result = Child(root, "PublishBatchResult")
            ?? throw Malformed("PublishBatch", status, "the response has no PublishBatchResult", RequestIdOf(root));

        var successful = Members(result, "Successful")
            .Select(m => new SnsBatchResultEntry(Text(m, "Id") ?? string.Empty, Text(m, "MessageId") ?? string.Empty, Text(m, "SequenceNumber")))
            .ToList();
        var failed = Members(result, "Failed")
            .Select(m => new SnsBatchFailure(
                Text(m, "Id") ?? string.Empty,
                Text(m, "Code") ?? "Unknown",
                Text(m, "Message"),
                !string.Equals(Text(m, "SenderFault"), "false", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        return (successful, failed, RequestIdOf(root));
    }

    /// <summary>The error an unsuccessful response stands for; bodies that are not AWS error XML still yield one.</summary>
    public static SnsException ReadError(string action, HttpStatusCode status, string body, string? reasonPhrase)
    {
        XElement? error = null;
        string? requestId = null;
        if (TryLoad(body, out var root))
        {
            error = root.DescendantsAndSelf().FirstOrDefault(e => e.Name.LocalName == "Error");
            requestId = RequestIdOf(root);
        }

        var code = Text(error, "Code");
        if (string.IsNullOrEmpty(code))
        {
            code = $"Http{(int)status}";
        }

        var message = Text(error, "Message") ?? (string.IsNullOrWhiteSpace(reasonPhrase) ? null : reasonPhrase);
        return new SnsException(action, code, message, status, requestId, IsRetryable(status, code));
    }

    public static bool IsRetryable(HttpStatusCode status, string code) =>
        (int)status >= 500
        || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
        || ThrottlingCodes.Contains(code);

    private static XElement Load(string action, string body, HttpStatusCode status) =>
        TryLoad(body, out var root) ? root : throw Malformed(action, status, "the response is not XML", null);

    private static bool TryLoad(string body, out XElement root)
    {
        root = null!;
        if (string.IsNullOrWhiteSpace(body))
        {
            return false;
        }

        try
        {
            using var reader = XmlReader.Create(new StringReader(body), ReaderSettings);
            root = XDocument.Load(reader).Root!;
            return root is not null;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    private static SnsException Malformed(string action, HttpStatusCode status, string problem, string? requestId) =>
        new(action, "MalformedResponse", problem, status, requestId, isRetryable: false);

    private static XElement? Child(XElement? parent, string localName) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    private static string? Text(XElement? parent, string localName) => Child(parent, localName)?.Value.Trim();

    private static IEnumerable<XElement> Members(XElement parent, string listName) =>
        Child(parent, listName)?.Elements().Where(e => e.Name.LocalName == "member") ?? [];

    private static string? RequestIdOf(XElement root) =>
        root.Descendants().FirstOrDefault(e => e.Name.LocalName == "RequestId")?.Value.Trim();
}
