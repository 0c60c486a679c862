using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Twin.Service.Ingest;
using Twin.Service.Operations;
using Twin.Service.Security;

namespace Twin.Service.Api;

/// <summary>
/// <c>POST /api/cells/{id}/corrections</c>: an operator corrects a cell's c_Li, c_Li0 or Q_Li (JSON body
/// <see cref="LithiumCorrection"/>). Signed-in operators only (<see cref="TwinPolicies.Operate"/>; an API token is not
/// an operator); audited and saved in the cell's checkpoint before the answer: 200 with <see cref="CorrectionReply"/>,
/// 400 for an invalid body or value, 404 for an unknown cell, 409 when the filter refuses the change.
/// </summary>
public static class CorrectionApi
{
    /// <summary>The route (<see cref="ApiAccess"/> gives it the operator rule).</summary>
    public const string Route = "/api/cells/{id}/corrections";

    /// <summary>Maps the endpoint.</summary>
    /// <param name="app">The route builder (the REST API's group).</param>
    /// <param name="ingest">The running cells.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapCorrectionApi(this IEndpointRouteBuilder app, TwinIngestService ingest)
    {
        app.MapPost(Route, async (string id, HttpContext http, CancellationToken ct) =>
        {
            var rt = ingest.Find(id);
            if (rt is null) return Results.Problem($"no cell '{id}' in this experiment", statusCode: StatusCodes.Status404NotFound, title: "unknown cell");
            LithiumCorrection? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync(http.Request.Body, CorrectionJsonContext.Default.LithiumCorrection, ct).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                return Invalid("the body is not a correction ({\"c_li\": 0.55, \"c_li_sigma\": 0.01}, {\"c_li0\": 0.85} or {\"q_li_Ah\": 8.5}): " + e.Message);
            }
            if (body is null) return Invalid("the body is empty: expected a JSON object with c_li and c_li_sigma, c_li0 or q_li_Ah");
            var ops = http.RequestServices.GetRequiredService<CellOperations>();
            try
            {
                var reply = await ops.CorrectAsync(rt, body, ActorOf(http), ct).ConfigureAwait(false);
                return Results.Json(reply, CorrectionJsonContext.Default.CorrectionReply);
            }
            catch (ArgumentException e)
            {
                return Invalid(e.Message);
            }
            catch (UnauthorizedAccessException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status403Forbidden, title: "operators only");
            }
            catch (InvalidOperationException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "correction refused");
            }
        });
        return app;
    }

    /// <summary>The caller for the audit and the role check: the role the experiment file gives the signed-in user now,
    /// never one carried by the request; an API token or an unknown name is a viewer.</summary>
    private static Actor ActorOf(HttpContext http)
    {
        var id = http.User.Identity;
        bool token = id?.AuthenticationType == TwinAuthentication.TokenScheme;
        string? name = id is { IsAuthenticated: true } && !token ? id.Name : null;
        var account = name is null ? null : http.RequestServices.GetRequiredService<AccessConfig>().Find(name);
        return new Actor(name ?? id?.Name ?? "anonymous", account?.Role ?? TwinRoles.Viewer, http.Connection.RemoteIpAddress?.ToString());
    }

    private static IResult Invalid(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "invalid correction");
}

/// <summary>Source-generated JSON of the correction endpoint.</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(LithiumCorrection))]
[JsonSerializable(typeof(CorrectionReply))]
public sealed partial class CorrectionJsonContext : JsonSerializerContext;
