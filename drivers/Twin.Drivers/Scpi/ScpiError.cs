using System.Globalization;

namespace Twin.Drivers.Scpi;

/// <summary>One entry of an instrument's SCPI error queue, e.g. <c>-222,"Data out of range"</c>.</summary>
/// <param name="Code">Error number (0 = no error; negative = SCPI standard, positive = device specific).</param>
/// <param name="Message">The instrument's text, without quotes.</param>
public sealed record ScpiError(int Code, string Message)
{
    /// <summary>The instrument's own form: <c>-222,"Data out of range"</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Code},\"{Message}\"");

    /// <summary>Parses a <c>SYST:ERR?</c> reply such as <c>-113,"Undefined header"</c> (quotes optional).</summary>
    /// <param name="reply">The reply line.</param>
    /// <param name="error">The parsed entry.</param>
    /// <returns>Whether the reply had that form.</returns>
    public static bool TryParse(string reply, out ScpiError error)
    {
        error = new ScpiError(0, "");
        int comma = reply.IndexOf(',');
        string codeText = comma < 0 ? reply : reply[..comma];
        if (!int.TryParse(codeText.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int code)) return false;
        string message = comma < 0 ? "" : reply[(comma + 1)..].Trim();
        if (message.Length >= 2 && message[0] == '"' && message[^1] == '"') message = message[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal);
        error = new ScpiError(code, message);
        return true;
    }
}

/// <summary>The reply to <c>*IDN?</c>.</summary>
/// <param name="Manufacturer">e.g. <c>KEITHLEY INSTRUMENTS</c>.</param>
/// <param name="Model">e.g. <c>MODEL 2450</c>.</param>
/// <param name="Serial">Serial number ("0" if not reported).</param>
/// <param name="Firmware">Firmware revision.</param>
public sealed record ScpiIdentity(string Manufacturer, string Model, string Serial, string Firmware)
{
    /// <summary>Parses an <c>*IDN?</c> reply: four comma-separated fields (IEEE 488.2 §10.14); missing fields become "".</summary>
    /// <param name="reply">The reply line.</param>
    /// <returns>The identity.</returns>
    public static ScpiIdentity Parse(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        string[] f = reply.Split(',', 4, StringSplitOptions.TrimEntries);
        return new ScpiIdentity(f[0], f.Length > 1 ? f[1] : "", f.Length > 2 ? f[2] : "", f.Length > 3 ? f[3] : "");
    }

    /// <summary>The <c>*IDN?</c> form.</summary>
    public override string ToString() => $"{Manufacturer},{Model},{Serial},{Firmware}";
}
