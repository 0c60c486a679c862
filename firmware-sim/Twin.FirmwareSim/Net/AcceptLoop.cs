using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Twin.FirmwareSim.Net;

/// <summary>The accept loop of the simulator's TCP servers (line and byte-stream devices alike).</summary>
internal static class AcceptLoop
{
    /// <summary>Accepts connections until <paramref name="stop"/> is cancelled; each is handed over with Nagle's algorithm off.</summary>
    /// <param name="listener">A started listener.</param>
    /// <param name="logger">Logs failed accepts (the loop goes on).</param>
    /// <param name="accepted">Takes each accepted socket.</param>
    /// <param name="stop">Ends the loop.</param>
    /// <returns>A task that completes when stopped.</returns>
    public static async Task RunAsync(TcpListener listener, ILogger logger, Action<Socket> accepted, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stop).ConfigureAwait(false);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                logger.LogWarning("accept failed: {Error}", e.Message);
                continue;
            }
            socket.NoDelay = true;
            accepted(socket);
        }
    }
}
