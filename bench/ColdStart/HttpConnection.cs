using System.Globalization;
using System.Text;

namespace CleanCqrs.Bench.ColdStart;

/// <summary>One request read off a connection: enough of HTTP/1.1 for a Lambda runtime client.</summary>
internal sealed record HttpRequest(string Method, string Path, Dictionary<string, string> Headers, byte[] Body, bool KeepAlive)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A minimal HTTP/1.1 server side of one connection: request line, headers, a body by
/// <c>Content-Length</c> or chunked, <c>Expect: 100-continue</c>, keep-alive. Hand-rolled rather than
/// HttpListener or Kestrel so that the harness adds next to nothing to the start it measures.
/// </summary>
internal sealed class HttpConnection(Stream stream)
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 8 * 1024 * 1024;

    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    /// <summary>The next request, or <see langword="null"/> when the peer closed the connection between requests.</summary>
    public async Task<HttpRequest?> ReadRequestAsync(CancellationToken cancellationToken)
    {
        var requestLine = await ReadLineAsync(cancellationToken);
        if (requestLine is null)
        {
            return null;
        }

        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"malformed request line '{requestLine}'");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var headerBytes = 0;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken) ?? throw new InvalidDataException("connection closed inside the headers");
            if (line.Length == 0)
            {
                break;
            }

            headerBytes += line.Length;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || headerBytes > MaxHeaderBytes)
            {
                throw new InvalidDataException($"malformed header line '{line}'");
            }

            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var connection = headers.GetValueOrDefault("Connection");
        var keepAlive = parts[2] == "HTTP/1.1"
            ? !string.Equals(connection, "close", StringComparison.OrdinalIgnoreCase)
            : string.Equals(connection, "keep-alive", StringComparison.OrdinalIgnoreCase);

        if (string.Equals(headers.GetValueOrDefault("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase))
        {
            await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), cancellationToken);
        }

        byte[] body;
        if (headers.GetValueOrDefault("Transfer-Encoding") is { } encoding
            && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = await ReadChunkedAsync(cancellationToken);
        }
        else if (headers.GetValueOrDefault("Content-Length") is { } lengthText)
        {
            if (!int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > MaxBodyBytes)
            {
                throw new InvalidDataException($"bad Content-Length '{lengthText}'");
            }

            body = await ReadExactAsync(length, cancellationToken);
        }
        else
        {
            body = [];
        }

        return new HttpRequest(parts[0], parts[1], headers, body, keepAlive);
    }

    public async Task WriteResponseAsync(
        int status, string reason, string contentType, ReadOnlyMemory<byte> body, IEnumerable<KeyValuePair<string, string>> headers, bool keepAlive, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {reason}\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        if (!keepAlive)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("\r\n");
        var headBytes = Encoding.ASCII.GetBytes(head.ToString());
        var message = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(message, 0);
        body.CopyTo(message.AsMemory(headBytes.Length));
        // One write: the client sees the whole response in one segment, with no Nagle delay in between.
        await stream.WriteAsync(message, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(cancellationToken) ?? throw new InvalidDataException("connection closed inside a chunked body");
            var sizeText = sizeLine.Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size)
                || size < 0 || body.Length + size > MaxBodyBytes)
            {
                throw new InvalidDataException($"bad chunk size '{sizeLine}'");
            }

            if (size == 0)
            {
                // Trailers, if any, end with an empty line.
                while (await ReadLineAsync(cancellationToken) is { Length: > 0 })
                {
                }

                return body.ToArray();
            }

            body.Write(await ReadExactAsync(size, cancellationToken));
            if (await ReadLineAsync(cancellationToken) is not { Length: 0 })
            {
                throw new InvalidDataException("a chunk did not end with CRLF");
            }
        }
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == (byte)'\r')
                {
                    length--;
                }

                var line = Encoding.Latin1.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }

            if (_end - _start > MaxHeaderBytes)
            {
                throw new InvalidDataException("a line longer than the header limit");
            }

            if (!await FillAsync(cancellationToken))
            {
                return _end == _start ? null : throw new InvalidDataException("connection closed inside a line");
            }
        }
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_end == _start && !await FillAsync(cancellationToken))
            {
                throw new InvalidDataException("connection closed inside a body");
            }

            var take = Math.Min(count - copied, _end - _start);
            Buffer.BlockCopy(_buffer, _start, result, copied, take);
            _start += take;
            copied += take;
        }

        return result;
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        return read > 0;
    }
}
