using System.Net;
using System.Net.Sockets;

namespace CleanCqrs.TestSupport;

/// <summary>Loopback ports for the servers and child processes the tests start.</summary>
public static class LoopbackPort
{
    /// <summary>
    /// A port nothing listens on right now. Another process may take it before the caller binds it,
    /// so callers retry on another port when binding fails.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
