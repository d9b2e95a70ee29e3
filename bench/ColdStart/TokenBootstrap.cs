namespace CleanCqrs.Bench.ColdStart;

/// <summary>
/// Gets an org token the way a client would: <c>POST /otp</c>, the code from the dev mailbox,
/// <c>POST /otp/verify</c>, all through one function process under the emulated Runtime API. The
/// data directory it leaves behind holds the key files that make the token verify elsewhere.
/// </summary>
internal static class TokenBootstrap
{
    private const string Primary = "coldstart@example.com";

    public static async Task<(string Token, string DataDirectory)> RunAsync(
        FunctionCommand command, IReadOnlyList<KeyValuePair<string, string>> environment, TimeSpan timeout)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("cleancqrs-coldstart-token-").FullName;
        Console.Error.WriteLine($"obtaining an org token through {command.Label} in {dataDirectory}");
        await using var session = FunctionSession.Create(command, dataDirectory, environment);
        session.Start();
        await session.ExpectAsync(SignalKind.NextRequested, timeout);

        var requested = await CallAsync(session, "POST", "/otp",
            JsonBody.Of(("primary", Primary), ("role", "org"), ("country", "ID")), timeout);
        var otpId = JsonBody.ReadString(requested.Body, "otpId")
                    ?? throw new InvalidDataException($"POST /otp answered without an otpId: {requested.Raw}");
        await session.ExpectAsync(SignalKind.NextRequested, timeout);

        var code = await DevMailbox.WaitForCodeAsync(dataDirectory, otpId, timeout, CancellationToken.None);
        var verified = await CallAsync(session, "POST", "/otp/verify",
            JsonBody.Of(("primary", Primary), ("role", "org"), ("country", "ID"), ("otpId", otpId), ("code", code)), timeout);
        var token = JsonBody.ReadString(verified.Body, "token")
                    ?? throw new InvalidDataException($"POST /otp/verify answered without a token: {verified.Raw}");
        await session.ExpectAsync(SignalKind.NextRequested, timeout);
        return (token, dataDirectory);
    }

    private static async Task<ApiResponse> CallAsync(FunctionSession session, string method, string path, byte[] body, TimeSpan timeout)
    {
        var response = ApiResponse.Parse((await session.InvokeAsync(ApiGatewayV2.Request(method, path, body), timeout)).BodyText);
        return response.IsSuccess
            ? response
            : throw new FunctionFailedException($"{session.Command.Label}: {method} {path} answered {response.StatusCode}: {response.Raw}", session.OutputTail());
    }
}
