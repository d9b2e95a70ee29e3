using System.Globalization;
using CleanCqrs.Infrastructure.DynamoDb;
using CleanCqrs.Infrastructure.Security;
using CleanCqrs.LambdaHost.Tests.EndToEnd.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd;

/// <summary>
/// SPEC section 1: the code is never stored or sent anywhere in plain form — not in events, messages,
/// read models, logs or errors. Only the delivery to the user (the dev mailbox here) carries it.
/// </summary>
[TestFixture(StoreUnderTest.Sqlite)]
[TestFixture(StoreUnderTest.DynamoDb)]
public sealed class SecretsTests(StoreUnderTest store)
{
    private static readonly string[] Primaries = ["first@example.com", "second@example.com", "third@example.com"];

    private TemporaryDataDirectory _data = null!;

    [SetUp]
    public void SetUp() => _data = new TemporaryDataDirectory();

    [TearDown]
    public void TearDown() => _data.Dispose();

    [Test]
    public async Task No_issued_code_is_found_anywhere_but_in_the_dev_mailbox()
    {
        var environment = await ServiceEnvironment.CreateAsync(store, _data.Path);
        var logs = new CapturedLogs();
        RecordingInProcPublisher published = null!;
        var replies = new List<ApiResponse>();
        var codes = new List<string>();
        string wrongCode;

        await using (var service = await LocalService.StartAsync(environment, customise: services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            published = RecordingInProcPublisher.Replace(services);
        }))
        {
            var api = service.Api;
            var issued = new List<(string Primary, string Role, string OtpId)>();
            foreach (var primary in Primaries)
            {
                issued.Add((primary, "org", await api.RequestOtpAsync(primary)));
            }

            issued.Add(("+65 9123 4567", "worker", await api.RequestOtpAsync("+65 9123 4567", "worker", "SG")));
            // Rate limited: refused, and its refusal must not carry a code either.
            replies.Add(await api.SendAsync(HttpMethod.Post, "/otp", ApiClient.Otp(Primaries[0])));
            Assert.That(replies[^1].Status, Is.EqualTo(429), replies[^1].ToString());

            foreach (var (_, _, otpId) in issued)
            {
                codes.Add((await Mailbox.WaitForAsync(_data.Path, otpId)).Code);
            }

            var (firstPrimary, _, firstOtp) = issued[0];
            wrongCode = ((int.Parse(codes[0], CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
            replies.Add(await api.VerifyAsync(firstPrimary, firstOtp, wrongCode));
            Assert.That(replies[^1].Status, Is.EqualTo(401), replies[^1].ToString());
            Assert.That(replies[^1].Json!["reason"]!.GetValue<string>(), Is.EqualTo("invalid_code"));
            replies.Add(await api.VerifyAsync(firstPrimary, firstOtp, codes[0]));
            Assert.That(replies[^1].Status, Is.EqualTo(200), replies[^1].ToString());
            var token = replies[^1].Json!["token"]!.GetValue<string>();
            var subject = replies[^1].Json!["subject"]!.GetValue<string>();
            replies.Add(await api.VerifyAsync(firstPrimary, firstOtp, codes[0]));
            Assert.That(replies[^1].Status, Is.EqualTo(401), replies[^1].ToString());

            var (workerPrimary, _, workerOtp) = issued[^1];
            replies.Add(await api.VerifyAsync(workerPrimary, workerOtp, codes[^1], "worker", "SG"));
            Assert.That(replies[^1].Status, Is.EqualTo(200), replies[^1].ToString());

            await api.CreateOrgAsync(token, """{"name":"Secretive","location":"Seoul"}""");
            replies.Add(await api.WaitForOrgAsync(subject, 1));

            // Everything published has been consumed (so consumers' logs are in) before the stop.
            var broker = service.Services.GetRequiredService<Infrastructure.Messaging.InProcBroker>();
            await Poll.UntilAsync(async () => (await broker.CountAsync(CancellationToken.None)).Messages == 0, "the broker to drain");

            if (store == StoreUnderTest.DynamoDb)
            {
                using var client = DynamoDbClientFactory.Create(environment.Read);
                var names = DynamoDbTableNames.FromEnvironment(environment.Read);
                replies.Add(await TableAsReplyAsync(client, names.Events));
                replies.Add(await TableAsReplyAsync(client, names.ReadModels));
            }
        }

        // Sanity: the search finds what is there, so a clean result below means something.
        var mailbox = await File.ReadAllBytesAsync(Mailbox.PathIn(_data.Path));
        Assert.That(codes, Has.All.Matches<string>(code => SecretSearch.Contains(mailbox, code)));
        Assert.That(published.Messages, Is.Not.Empty);
        Assert.That(logs.Entries, Is.Not.Empty);

        var excluded = new[] { Mailbox.PathIn(_data.Path), _data.File(LocalRsaSigningKey.FileName), _data.File(LocalOtpSecret.FileName) };
        var files = Directory.GetFiles(_data.Path, "*", SearchOption.AllDirectories).Except(excluded).ToArray();
        Assert.That(files.Select(Path.GetFileName), Does.Contain("broker.db"));
        if (store == StoreUnderTest.Sqlite)
        {
            Assert.That(files.Select(Path.GetFileName), Does.Contain("events.db"));
        }

        var secrets = codes.Select(c => (Code: c, What: "issued code")).Append((Code: wrongCode, What: "code a caller tried")).ToArray();
        Assert.Multiple(() =>
        {
            foreach (var (code, what) in secrets)
            {
                foreach (var file in files)
                {
                    Assert.That(SecretSearch.Contains(File.ReadAllBytes(file), code), Is.False, $"{what} {code} is in {Path.GetFileName(file)}");
                }

                Assert.That(logs.Entries.Where(e => SecretSearch.Contains(e, code)), Is.Empty, $"{what} {code} is in the log");
                foreach (var message in published.Messages)
                {
                    Assert.That(SecretSearch.Contains(message.Body, code), Is.False, $"{what} {code} is in a broker message: {message.Body}");
                    Assert.That(message.MessageAttributes.Values.Where(v => SecretSearch.Contains(v, code)), Is.Empty, $"{what} {code} is in a message attribute");
                }

                foreach (var reply in replies)
                {
                    Assert.That(SecretSearch.Contains(reply.Body ?? string.Empty, code), Is.False, $"{what} {code} is in {reply}");
                }
            }
        });
    }

    private static async Task<ApiResponse> TableAsReplyAsync(Amazon.DynamoDBv2.IAmazonDynamoDB client, string table)
    {
        var dump = await SecretSearch.DumpTableAsync(client, table);
        Assert.That(dump, Is.Not.Empty, $"table {table} is empty");
        return ApiResponse.Unchecked(200, dump, "a DynamoDB table's dump, searched for codes like the API's replies");
    }
}
