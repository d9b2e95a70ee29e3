using CleanCqrs.Application.Otps.Commands.RequestOtp;
using CleanCqrs.Application.Otps.Commands.VerifyOtp;

namespace CleanCqrs.LambdaHost.Http.Endpoints;

/// <summary>Asking for an OTP and trading it for a token.</summary>
public static class Otps
{
    private static readonly OtpRequestBody NoRequest = new(null, null, null);
    private static readonly OtpVerifyBody NoVerify = new(null, null, null, null, null);

    public static IReadOnlyList<Endpoint> All { get; } =
    [
        Endpoint.Post("/otp", RequestAsync) with { Idempotent = true },
        Endpoint.Post("/otp/verify", VerifyAsync),
        Endpoint.Post("/authenticate", VerifyAsync),
    ];

    private static async ValueTask<HttpResponseData> RequestAsync(EndpointContext http, CancellationToken cancellationToken)
    {
        var body = http.Body(HttpJson.Context.OtpRequestBody, NoRequest, out var errors);
        var result = await http.Sender.Send(new RequestOtp(body.Primary, body.Role, body.Country, http.Request.SourceAddress) { BindingErrors = errors }, cancellationToken);
        return Respond.Json(result, 202, HttpJson.Context.OtpRequested);
    }

    private static async ValueTask<HttpResponseData> VerifyAsync(EndpointContext http, CancellationToken cancellationToken)
    {
        var body = http.Body(HttpJson.Context.OtpVerifyBody, NoVerify, out var errors);
        var result = await http.Sender.Send(
            new VerifyOtp(body.Primary, body.Role, body.Country, body.OtpId, body.Code) { BindingErrors = errors }, cancellationToken);
        // A token response must not be stored by any cache (RFC 6749 section 5.1).
        return Respond.With(result, granted =>
            HttpResponseData.Json(200, granted, HttpJson.Context.TokenGranted).WithHeader("Cache-Control", "no-store"));
    }
}
