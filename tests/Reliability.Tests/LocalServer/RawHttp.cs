using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CleanCqrs.Reliability.Tests.LocalServer;

/// <summary>One HTTP/1.x response as it came off the wire.</summary>
public sealed record RawResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public string? Header(string name) =>
        Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public override string ToString() =>
        $"{Status} {string.Join("; ", Headers.Select(h => $"{h.Key}: {h.Value}"))} | {(Body.Length > 300 ? Body[..300] + "…" : Body)}";
}

/// <summary>
/// Bytes a well-behaved HTTP client would never send, on a plain socket, and the responses parsed
/// by hand (status line, headers, a Content-Length body). Every wait has a deadline.
/// </summary>
public static class RawHttp
{
    public static async Task<Socket> ConnectAsync(Uri server, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="request"/> and reads until the server closes the connection or <paramref name="deadline"/> passes.</summary>
    public static async Task<byte[]> ExchangeAsync(Uri server, byte[] request, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        using var socket = await ConnectAsync(server, timeout.Token);
        await socket.SendAsync(request, SocketFlags.None, timeout.Token);
        return await ReadToEndAsync(socket, timeout.Token);
    }

    /// <summary>Everything until the peer closes; an <see cref="OperationCanceledException"/> when it never does.</summary>
    public static async Task<byte[]> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset && received.Length > 0)
            {
                // The answer arrived; the reset after it does not take it back.
                break;
            }

            if (read == 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
        }

        return received.ToArray();
    }

    /// <summary>The responses in <paramref name="raw"/>, in order; a trailing incomplete one is left out.</summary>
    public static List<RawResponse> Parse(byte[] raw)
    {
        var responses = new List<RawResponse>();
        var offset = 0;
        while (offset < raw.Length)
        {
            var headEnd = raw.AsSpan(offset).IndexOf("\r\n\r\n"u8);
            if (headEnd < 0)
            {
                break;
            }

            var lines = Encoding.ASCII.GetString(raw, offset, headEnd).Split("\r\n");
            var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            var headers = lines.Skip(1)
                .Select(line => line.Split(':', 2))
                .Select(parts => new KeyValuePair<string, string>(parts[0].Trim(), parts.Length > 1 ? parts[1].Trim() : string.Empty))
                .ToList();
            var length = headers.Where(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                .Select(h => int.Parse(h.Value, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
            var bodyStart = offset + headEnd + 4;
            if (bodyStart + length > raw.Length)
            {
                break;
            }

            responses.Add(new RawResponse(status, headers, Encoding.UTF8.GetString(raw, bodyStart, length)));
            offset = bodyStart + length;
        }

        return responses;
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text.ReplaceLineEndings("\r\n"));
}
