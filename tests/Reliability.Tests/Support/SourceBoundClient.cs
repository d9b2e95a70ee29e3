using System.Net;
using System.Net.Sockets;

namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>
/// An HTTP client whose connections leave from a chosen loopback address (any of 127.0.0.0/8), so the
/// local server sees a different TCP peer per client: how the tests play many source addresses.
/// </summary>
public static class SourceBoundClient
{
    public static HttpClient From(IPAddress source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>The n-th loopback address after 127.0.0.1: 127.0.0.2, ..., 127.0.1.0, ...</summary>
    public static IPAddress Loopback(int n) => new([127, (byte)((n + 1) >> 16), (byte)((n + 1) >> 8), (byte)(n + 1)]);
}
