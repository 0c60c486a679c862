namespace Twin.Dashboard.Auth;

/// <summary>
/// Where the sign-in form may send the browser afterwards: only a path on this site. Stricter than ASP.NET Core's
/// <c>IUrlHelper.IsLocalUrl</c>: a path that starts with <c>/</c>, not <c>//</c> or <c>/\</c>, without control
/// characters, white space or backslashes anywhere (browsers drop tabs and newlines from URLs and read <c>\</c> as
/// <c>/</c>, so <c>/\t/host</c> and <c>/\host</c> lead off-site), and still such a path after percent-decoding
/// (<c>/%2F/host</c>).
/// </summary>
public static class LocalRedirect
{
    /// <summary>The longest return path accepted.</summary>
    public const int MaxLength = 2048;

    /// <summary>The URL when it is a local path, else <c>/</c>.</summary>
    /// <param name="url">The requested return URL.</param>
    /// <returns>A path on this site.</returns>
    public static string OrRoot(string? url) => IsLocal(url) ? url! : "/";

    /// <summary>True for a path on this site (see the class).</summary>
    /// <param name="url">Candidate.</param>
    /// <returns>Whether a redirect to it stays on this site.</returns>
    public static bool IsLocal(string? url)
    {
        for (int depth = 0; depth < 4; depth++)
        {
            if (url is null || url.Length is 0 or > MaxLength || url[0] != '/') return false;
            if (url.Length > 1 && url[1] is '/' or '\\') return false;
            foreach (char c in url)
                if (char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\') return false;
            if (!Uri.TryCreate(new Uri("http://twin.invalid/"), url, out var resolved) || resolved.Host != "twin.invalid") return false;
            string decoded = Uri.UnescapeDataString(url);
            if (decoded == url) return true;
            url = decoded;
        }
        return false;
    }
}
