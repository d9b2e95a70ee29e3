using System.Text;
using CleanCqrs.Application.Common.Security;
using CleanCqrs.Domain.Otps;
using CleanCqrs.Infrastructure.Security;
using NSubstitute;

namespace CleanCqrs.Infrastructure.Tests.Security;

public sealed class SubjectKeysTests
{
    private static Primary Alice => Primary.TryCreate("alice@example.com", OtpRoles.Org, "SG", out var p, out _) ? p : throw new InvalidOperationException();

    [Test]
    public async Task In_AWS_the_key_is_one_mac_of_the_fixed_label_under_the_otp_key_fetched_once_per_process()
    {
        var secret = Substitute.For<IOtpSecret>();
        secret.ComputeMacAsync(default, default).ReturnsForAnyArgs(new byte[32]);
        var subjects = new KeyedSubjectIds(SubjectKeys.DerivedFrom(secret));

        for (var i = 0; i < 10; i++)
        {
            await subjects.SubjectOfAsync(Alice, CancellationToken.None);
        }

        var call = secret.ReceivedCalls().Single();
        Assert.That(Encoding.UTF8.GetString(((ReadOnlyMemory<byte>)call.GetArguments()[0]!).Span), Is.EqualTo("cleancqrs-subject-key:v1"));
    }

    [Test]
    public async Task Locally_the_key_is_a_file_of_32_random_bytes_that_later_processes_reuse()
    {
        using var directory = new TemporaryDataDirectory();
        var first = await new KeyedSubjectIds(SubjectKeys.FromFile(directory.Path)).SubjectOfAsync(Alice, CancellationToken.None);
        var again = await new KeyedSubjectIds(SubjectKeys.FromFile(directory.Path)).SubjectOfAsync(Alice, CancellationToken.None);

        var file = Path.Combine(directory.Path, SubjectKeys.FileName);
        Assert.That(new FileInfo(file).Length, Is.EqualTo(32));
        Assert.That(again, Is.EqualTo(first));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }

        using var other = new TemporaryDataDirectory();
        Assert.That(await new KeyedSubjectIds(SubjectKeys.FromFile(other.Path)).SubjectOfAsync(Alice, CancellationToken.None), Is.Not.EqualTo(first),
            "another server key, other subjects");
    }
}
