using System.Buffers;
using System.Text.Json;
using CleanCqrs.Application.Orgs.Commands;
using CleanCqrs.Application.Orgs.Commands.CloseOrg;
using CleanCqrs.Application.Orgs.Commands.CreateOrg;
using CleanCqrs.Application.Orgs.Commands.UpdateOrg;
using CleanCqrs.Application.Orgs.Queries.GetOrg;
using CleanCqrs.Application.Orgs.Queries.GetOrgHistory;
using CleanCqrs.Domain.Common;
using CleanCqrs.Infrastructure.Serialization;

namespace CleanCqrs.LambdaHost.Http.Endpoints;

/// <summary>An org's profile: create, read, replace, close, and its change history.</summary>
public static class Orgs
{
    /// <summary>How long a client waits before polling a read model that is behind again.</summary>
    private const string PollAfterSeconds = "1";

    private static readonly OrgBody NoBody = new(null, null, null);

    public static IReadOnlyList<Endpoint> All { get; } =
    [
        Endpoint.Post("/orgs", CreateAsync) with { RequiresBearer = true, Idempotent = true },
        Endpoint.Get("/orgs/{id}", GetAsync),
        Endpoint.Put("/orgs/{id}", UpdateAsync) with { RequiresBearer = true, Idempotent = true },
        Endpoint.Delete("/orgs/{id}", CloseAsync) with { RequiresBearer = true, Idempotent = true },
        Endpoint.Get("/orgs/{id}/history", HistoryAsync) with { RequiresBearer = true },
    ];

    private static async ValueTask<HttpResponseData> CreateAsync(EndpointContext http, CancellationToken cancellationToken)
    {
        var body = http.Body(HttpJson.Context.OrgBody, NoBody, out var errors);
        var result = await http.Sender.Send(
            new CreateOrg(http.Caller, body.Name, body.Location, body.Description) { BindingErrors = errors }, cancellationToken);
        return Respond.With(result, written => Written(201, written)
            .WithHeader("Location", "/orgs/" + Uri.EscapeDataString(written.Id)));
    }

    private static async ValueTask<HttpResponseData> UpdateAsync(EndpointContext http, CancellationToken cancellationToken)
    {
        var body = http.Body(HttpJson.Context.OrgBody, NoBody, out var errors);
        var ifMatch = http.IfMatch(ref errors);
        var result = await http.Sender.Send(
            new UpdateOrg(http.Caller, http.Id, body.Name, body.Location, body.Description, ifMatch) { BindingErrors = errors },
            cancellationToken);
        return Respond.With(result, written => Written(200, written));
    }

    private static async ValueTask<HttpResponseData> CloseAsync(EndpointContext http, CancellationToken cancellationToken)
    {
        var errors = http.Bound();
        var ifMatch = http.IfMatch(ref errors);
        var result = await http.Sender.Send(new CloseOrg(http.Caller, http.Id, ifMatch) { BindingErrors = errors }, cancellationToken);
        return Respond.With(result, written => Written(200, written));
    }

    private static async ValueTask<HttpResponseData> GetAsync(EndpointContext http, CancellationToken cancellationToken)
    {
        EntityTagCondition? ifNoneMatch = null;
        if (http.Request.Headers.Count("if-none-match") > 0 && !EntityTagCondition.TryParse(http.Request.Headers["if-none-match"]!, out ifNoneMatch))
        {
            return Problems.Invalid("ifNoneMatch", "must be * or a list of entity tags such as \"3\" or W/\"3\"");
        }

        var result = await http.Sender.Send(new GetOrg(http.Id, http.Query("minVersion")), cancellationToken);
        // No Respond.With lambda here: it would capture ifNoneMatch, a closure on the hottest read (bench/Overhead).
        if (!result.IsSuccess)
        {
            return Respond.Refused(result.Error!);
        }

        var readout = result.Value;
        if (readout.IsBehind)
        {
            return HttpResponseData.Json(202, new OrgBehind(readout.Version, readout.MinVersion!.Value), HttpJson.Context.OrgBehind)
                .WithHeader("Retry-After", PollAfterSeconds)
                .WithHeader("Cache-Control", "no-store");
        }

        var org = readout.Org!;
        var etag = EntityTagCondition.Format(org.Version);
        // The read model moves with every event; a cached copy must be revalidated (and can be, by ETag).
        return ifNoneMatch is not null && ifNoneMatch.MatchesWeakly(org.Version)
            ? HttpResponseData.Empty(304).WithHeader("ETag", etag).WithHeader("Cache-Control", "no-cache")
            : HttpResponseData.Json(200, org, HttpJson.Context.OrgDto).WithHeader("ETag", etag).WithHeader("Cache-Control", "no-cache");
    }

    private static async ValueTask<HttpResponseData> HistoryAsync(EndpointContext http, CancellationToken cancellationToken)
    {
        var result = await http.Sender.Send(
            new GetOrgHistory(http.Caller, http.Id, http.Query("after"), http.Query("limit")), cancellationToken);
        // Read from the event store, not a cache: the next read may already hold more.
        return Respond.With(result, history => HttpResponseData.RawJson(200, HistoryJson(history)).WithHeader("Cache-Control", "no-store"));
    }

    private static HttpResponseData Written(int status, OrgWritten written) =>
        HttpResponseData.Json(status, written, HttpJson.Context.OrgWritten)
            .WithHeader("ETag", EntityTagCondition.Format(written.Version));

    /// <summary><c>{id, events: [{version, type, occurredAt, data}], next}</c>, each event's data as it is stored.</summary>
    private static byte[] HistoryJson(OrgHistory history)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (256 * history.Events.Count));
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = HttpJson.Context.Options.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("id", history.Id);
            writer.WriteStartArray("events");
            foreach (var stored in history.Events)
            {
                writer.WriteStartObject();
                writer.WriteNumber("version", stored.Version);
                writer.WriteString("type", EventSerializer.TypeName(stored.Data));
                writer.WriteString("occurredAt", stored.OccurredAt.UtcDateTime);
                writer.WritePropertyName("data");
                writer.WriteRawValue(EventSerializer.SerializeData(stored.Data), skipInputValidation: true);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (history.Next is { } next)
            {
                writer.WriteNumber("next", next);
            }
            else
            {
                writer.WriteNull("next");
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
