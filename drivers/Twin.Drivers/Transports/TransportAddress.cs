using System.Globalization;

namespace Twin.Drivers.Transports;

/// <summary>
/// Parses instrument addresses: <c>tcp://host[:port]</c> (port default 5025; IPv6 as <c>tcp://[::1]:5025</c>) and
/// <c>serial:///dev/ttyUSB0?baud=115200&amp;parity=even&amp;data=7&amp;stop=2&amp;flow=rtscts&amp;dtr=on&amp;rts=off</c>
/// (every query key optional; also <c>timeout=&lt;ms&gt;</c> for the serial read timeout).
/// </summary>
public static class TransportAddress
{
    /// <summary>Creates the transport an address names (not opened).</summary>
    /// <param name="address">The address text.</param>
    /// <returns>A <see cref="TcpTransport"/> or a <see cref="SerialTransport"/>.</returns>
    /// <exception cref="FormatException">The text is not a valid address; the message quotes it and says what was expected.</exception>
    public static ITransport Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        string text = address.Trim();
        if (text.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase))
        {
            var (host, port) = ParseTcp(address, text["tcp://".Length..]);
            return new TcpTransport(host, port);
        }
        if (text.StartsWith("serial://", StringComparison.OrdinalIgnoreCase))
            return new SerialTransport(ParseSerial(address));
        throw Bad(address, "an address starting with tcp:// or serial://");
    }

    /// <summary>Parses a <c>serial://</c> address into settings.</summary>
    /// <param name="address">The address text.</param>
    /// <returns>The serial settings.</returns>
    /// <exception cref="FormatException">The text is not a valid serial address.</exception>
    public static SerialSettings ParseSerial(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        string text = address.Trim();
        if (!text.StartsWith("serial://", StringComparison.OrdinalIgnoreCase))
            throw Bad(address, "a serial address of the form serial:///dev/ttyUSB0?baud=9600");
        string rest = text["serial://".Length..];
        int q = rest.IndexOf('?');
        string path = q < 0 ? rest : rest[..q];
        if (!path.StartsWith('/') || path.Length < 2)
            throw Bad(address, "an absolute device path after serial://, e.g. serial:///dev/ttyUSB0");
        var s = new SerialSettings(Uri.UnescapeDataString(path));
        if (q >= 0)
        {
            foreach (string pair in rest[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                if (eq <= 0) throw Bad(address, $"key=value pairs after '?', not '{pair}'");
                string key = pair[..eq].ToLowerInvariant();
                string value = pair[(eq + 1)..].ToLowerInvariant();
                s = key switch
                {
                    "baud" => s with { BaudRate = Int(address, key, value) },
                    "data" => s with { DataBits = Int(address, key, value) },
                    "stop" => s with { StopBits = Int(address, key, value) },
                    "parity" => s with
                    {
                        Parity = value switch
                        {
                            "none" or "n" => SerialParity.None,
                            "even" or "e" => SerialParity.Even,
                            "odd" or "o" => SerialParity.Odd,
                            _ => throw Bad(address, $"parity=none|even|odd, not '{value}'"),
                        },
                    },
                    "flow" => s with
                    {
                        Flow = value switch
                        {
                            "none" => SerialFlowControl.None,
                            "rtscts" or "hardware" => SerialFlowControl.RtsCts,
                            "xonxoff" or "software" => SerialFlowControl.XonXoff,
                            _ => throw Bad(address, $"flow=none|rtscts|xonxoff, not '{value}'"),
                        },
                    },
                    "dtr" => s with { Dtr = OnOff(address, key, value) },
                    "rts" => s with { Rts = OnOff(address, key, value) },
                    "timeout" => s with { ReadTimeout = TimeSpan.FromMilliseconds(Int(address, key, value)) },
                    _ => throw Bad(address, $"one of the keys baud, data, parity, stop, flow, dtr, rts, timeout, not '{key}'"),
                };
            }
        }
        try
        {
            s.Validate();
        }
        catch (ArgumentException e)
        {
            throw Bad(address, e.Message.Split(" (Parameter", 2)[0]);
        }
        return s;
    }

    private static (string Host, int Port) ParseTcp(string address, string rest)
    {
        rest = rest.TrimEnd('/');
        string host;
        string? portText = null;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']');
            if (close < 0) throw Bad(address, "a closing ']' after the IPv6 address");
            host = rest[1..close];
            string after = rest[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':') throw Bad(address, "':port' after the IPv6 address");
                portText = after[1..];
            }
        }
        else
        {
            int colon = rest.LastIndexOf(':');
            host = colon < 0 ? rest : rest[..colon];
            if (colon >= 0) portText = rest[(colon + 1)..];
        }
        if (host.Length == 0 || host.Contains('/') || host.Contains('?'))
            throw Bad(address, "tcp://host[:port] with a host name or IP address");
        int port = TcpTransport.DefaultPort;
        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            throw Bad(address, $"a TCP port 1–65535 after ':', not '{portText}'");
        return (host, port);
    }

    private static int Int(string address, string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : throw Bad(address, $"an integer for {key}, not '{value}'");

    private static bool OnOff(string address, string key, string value) => value switch
    {
        "on" or "1" or "true" => true,
        "off" or "0" or "false" => false,
        _ => throw Bad(address, $"{key}=on|off, not '{value}'"),
    };

    private static FormatException Bad(string address, string expected) =>
        new($"invalid instrument address '{address}': expected {expected}");
}
