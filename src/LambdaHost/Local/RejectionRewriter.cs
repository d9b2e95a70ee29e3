using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Local;

/// <summary>
/// Kestrel answers a request it cannot hand to the application (malformed request line or headers,
/// a bad <c>Host</c>, headers over the limit, an HTTP version it does not speak, headers that did not
/// arrive in time) itself, with an empty body and no hook to change it. This connection middleware
/// turns exactly those answers into problem+json: every response the application writes carries
/// <c>X-Request-Id</c>, so a head-only error response without it that closes the connection is
/// Kestrel's refusal, and is replaced before it reaches the socket.
/// </summary>
internal static class RejectionRewriter
{
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(ILogger logger) => next => async connection =>
    {
        var transport = connection.Transport;
        var writer = new RewritingWriter(transport.Output, connection.RemoteEndPoint?.ToString() ?? "-", logger);
        connection.Transport = new DuplexPipe(transport.Input, writer);
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    };

    /// <summary>
    /// The problem+json response replacing <paramref name="response"/> when it is one of Kestrel's own
    /// refusals; null otherwise (it is passed on untouched).
    /// </summary>
    internal static byte[]? Rewrite(ReadOnlySpan<byte> response, out int status)
    {
        status = 0;
        // "HTTP/1.1 400 Bad Request\r\n...\r\n\r\n" and nothing after the head.
        if (response.Length < 16 || !response.StartsWith("HTTP/1."u8) || response[12] != (byte)' '
            || !TryStatus(response.Slice(9, 3), out status) || status < 400)
        {
            return null;
        }

        var headEnd = response.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0 || headEnd + 4 != response.Length)
        {
            return null;
        }

        var head = Encoding.ASCII.GetString(response[..headEnd]);
        var lines = head.Split("\r\n");
        var closes = false;
        string? date = null;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim();
            if (name.Equals(Http.HttpApi.RequestIdHeader, StringComparison.OrdinalIgnoreCase)
                || (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && value != "0"))
            {
                return null;
            }

            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                closes = value.Equals("close", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Date", StringComparison.OrdinalIgnoreCase))
            {
                date = value;
            }
        }

        if (!closes)
        {
            return null;
        }

        var body = ProtocolProblems.Serialize(ProtocolProblems.For(status));
        var rewritten = new StringBuilder(256)
            .Append(lines[0]).Append("\r\n")
            .Append("Content-Type: application/problem+json\r\n")
            .Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Connection: close\r\n")
            .Append("Cache-Control: no-store\r\n")
            .Append(Http.HttpApi.RequestIdHeader).Append(": ").Append(Guid.NewGuid().ToString("N")).Append("\r\n");
        if (date is not null)
        {
            rewritten.Append("Date: ").Append(date).Append("\r\n");
        }

        rewritten.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(rewritten.ToString()), .. body];
    }

    private static bool TryStatus(ReadOnlySpan<byte> digits, out int status) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out status);

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Holds what Kestrel writes until it flushes (one response, or the part of a long one that
    /// passed <see cref="PassThroughBytes"/>), so a refusal can be replaced whole.
    /// </summary>
    private sealed class RewritingWriter(PipeWriter inner, string peer, ILogger logger) : PipeWriter
    {
        // Kestrel's refusals are a few hundred bytes; anything longer is a real response on its way.
        private const int PassThroughBytes = 8 * 1024;

        private readonly ArrayBufferWriter<byte> _pending = new(1024);
        private bool _passingThrough;

        public override void Advance(int bytes)
        {
            _pending.Advance(bytes);
            if (_pending.WrittenCount >= PassThroughBytes)
            {
                inner.Write(_pending.WrittenSpan);
                _pending.ResetWrittenCount();
                _passingThrough = true;
            }
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => _pending.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _pending.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            Forward();
            inner.Complete(exception);
        }

        public override ValueTask CompleteAsync(Exception? exception = null)
        {
            Forward();
            return inner.CompleteAsync(exception);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Forward();
            return inner.FlushAsync(cancellationToken);
        }

        private void Forward()
        {
            if (_pending.WrittenCount == 0)
            {
                return;
            }

            var written = _pending.WrittenSpan;
            var status = 0;
            var replacement = _passingThrough ? null : Rewrite(written, out status);
            if (replacement is null)
            {
                inner.Write(written);
            }
            else
            {
                inner.Write(replacement);
                logger.LogInformation("- - {Status} from {Peer}: refused by the HTTP server before it became a request", status, peer);
            }

            _pending.ResetWrittenCount();
            _passingThrough = false;
        }
    }
}
