using System.Globalization;
using System.Runtime.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Twin.Dashboard.Auth;
using Twin.Service.Ingest;
using Twin.Service.Operations;
using Twin.Service.Settings;

namespace Twin.Dashboard.Endpoints;

/// <summary>
/// The dashboard's form posts that change something, for signed-in operators only (others get 403, anonymous
/// callers 401) and antiforgery-checked: <c>POST /cells/{key}/settings</c> (fields caution, critical, deep,
/// hysteresis, cutoff_enabled, c_li_min, v_max) and <c>POST /alarms/{id}/ack</c> (field note). Both answer
/// with a redirect back to the page, carrying what happened.
/// </summary>
public static class OperatorEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapOperatorEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/cells/{site}/{cell}/settings", async (string site, string cell, [FromForm] SettingsForm form, HttpContext http,
            TwinIngestService ingest, CellOperations ops, CancellationToken ct) =>
        {
            var rt = ingest.Find(site + "/" + cell);
            if (rt is null) return Results.NotFound($"no cell '{site}/{cell}' in this experiment");
            string page = $"/cells/{site}/{cell}/settings";
            CellSettings next;
            try
            {
                next = form.ToSettings(CellOperations.SettingsOf(rt));
                var changes = await ops.ChangeSettingsAsync(rt, next, UserInfo.Actor(http), ct).ConfigureAwait(false);
                string msg = changes.Count == 0 ? "nothing changed" : "saved: " + string.Join("; ", changes);
                return Results.Redirect($"{page}?saved={Uri.EscapeDataString(msg)}");
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                return Results.Redirect($"{page}?error={Uri.EscapeDataString(e.Message)}");
            }
        }).RequireAuthorization(DashboardPolicies.Operate);

        app.MapPost("/alarms/{id:long}/ack", async (long id, [FromForm] AckForm form, HttpContext http, CellOperations ops, CancellationToken ct) =>
        {
            try
            {
                var r = await ops.AcknowledgeAsync(id, form.Note, UserInfo.Actor(http), ct).ConfigureAwait(false);
                return Results.Redirect($"/alarms?acked={r.Id}");
            }
            catch (KeyNotFoundException e)
            {
                return Results.NotFound(e.Message);
            }
            catch (InvalidOperationException e)
            {
                return Results.Redirect($"/alarms?error={Uri.EscapeDataString(e.Message)}");
            }
        }).RequireAuthorization(DashboardPolicies.Operate);
        return app;
    }

    /// <summary>
    /// The settings form; empty fields keep the present value. Field names come from <see cref="DataMemberAttribute"/>:
    /// the form mapping of minimal APIs reads that and ignores <c>[FromForm(Name)]</c> on properties.
    /// </summary>
    public sealed class SettingsForm
    {
        /// <summary>Caution limit, c_Li.</summary>
        [DataMember(Name = "caution")] public string? Caution { get; set; }

        /// <summary>Critical limit, c_Li.</summary>
        [DataMember(Name = "critical")] public string? Critical { get; set; }

        /// <summary>Deep limit, c_Li.</summary>
        [DataMember(Name = "deep")] public string? Deep { get; set; }

        /// <summary>Hysteresis, c_Li.</summary>
        [DataMember(Name = "hysteresis")] public string? Hysteresis { get; set; }

        /// <summary>"on" when the cut-off by lithium is enabled (an unchecked box sends nothing).</summary>
        [DataMember(Name = "cutoff_enabled")] public string? CutoffEnabled { get; set; }

        /// <summary>c_Li,min.</summary>
        [DataMember(Name = "c_li_min")] public string? CLiMin { get; set; }

        /// <summary>Hard voltage limit, V.</summary>
        [DataMember(Name = "v_max")] public string? VMax { get; set; }

        /// <summary>The settings the form asks for.</summary>
        /// <param name="now">The present settings (for empty fields).</param>
        /// <returns>The new settings, not yet validated.</returns>
        /// <exception cref="FormatException">A field is not a number; the message names the field.</exception>
        public CellSettings ToSettings(CellSettings now) => new(
            Number("caution", Caution, now.Caution), Number("critical", Critical, now.Critical), Number("deep", Deep, now.Deep),
            Number("hysteresis", Hysteresis, now.Hysteresis), CutoffEnabled is "on" or "true",
            Number("c_li_min", CLiMin, now.CLiMin), Number("v_max", VMax, now.VMax));

        private static double Number(string field, string? text, double keep)
        {
            if (string.IsNullOrWhiteSpace(text)) return keep;
            if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)) return v;
            throw new FormatException($"{field}: '{text}' is not a number (use a decimal point, e.g. 0.42)");
        }
    }

    /// <summary>The acknowledgement form.</summary>
    public sealed class AckForm
    {
        /// <summary>Optional note.</summary>
        [DataMember(Name = "note")] public string? Note { get; set; }
    }
}
