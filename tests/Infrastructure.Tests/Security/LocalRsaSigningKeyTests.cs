using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using CleanCqrs.Infrastructure.Security;

namespace CleanCqrs.Infrastructure.Tests.Security;

public sealed class LocalRsaSigningKeyTests
{
    private TemporaryDataDirectory _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = new TemporaryDataDirectory();

    [TearDown]
    public void RemoveDirectory() => _directory.Dispose();

    [Test]
    public void Reads_no_file_until_first_use()
    {
        using var key = new LocalRsaSigningKey(_directory.Path);

        Assert.That(File.Exists(key.KeyFilePath), Is.False);
    }

    [Test]
    public async Task Creates_a_pkcs8_pem_rsa_2048_key_on_first_use()
    {
        using var key = new LocalRsaSigningKey(_directory.Path);

        await key.GetPublicKeyAsync(CancellationToken.None);

        Assert.That(key.KeyFilePath, Is.EqualTo(_directory.File("jwt-signing-key.pem")));
        var pem = await File.ReadAllTextAsync(key.KeyFilePath);
        Assert.That(pem, Does.StartWith("-----BEGIN PRIVATE KEY-----"));
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        Assert.That(rsa.KeySize, Is.EqualTo(2048));
    }

    [Test]
    public async Task Key_file_is_readable_by_its_owner_only()
    {
        using var key = new LocalRsaSigningKey(_directory.Path);

        await key.GetPublicKeyAsync(CancellationToken.None);

        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes");
        }
        else
        {
            Assert.That(File.GetUnixFileMode(key.KeyFilePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [Test]
    public async Task Creates_a_missing_data_directory()
    {
        var nested = Path.Combine(_directory.Path, "a", "b");
        using var key = new LocalRsaSigningKey(nested);

        await key.GetPublicKeyAsync(CancellationToken.None);

        Assert.That(File.Exists(Path.Combine(nested, LocalRsaSigningKey.FileName)), Is.True);
    }

    [Test]
    public async Task Reuses_the_key_file_across_instances()
    {
        string firstKid;
        using (var first = new LocalRsaSigningKey(_directory.Path))
        {
            firstKid = (await first.GetPublicKeyAsync(CancellationToken.None)).KeyId;
        }

        var contents = await File.ReadAllBytesAsync(_directory.File(LocalRsaSigningKey.FileName));
        using var second = new LocalRsaSigningKey(_directory.Path);
        var secondKid = (await second.GetPublicKeyAsync(CancellationToken.None)).KeyId;

        Assert.That(secondKid, Is.EqualTo(firstKid));
        Assert.That(await File.ReadAllBytesAsync(_directory.File(LocalRsaSigningKey.FileName)), Is.EqualTo(contents));
    }

    [Test]
    public async Task Instances_racing_on_an_empty_directory_agree_on_one_key()
    {
        var keys = Enumerable.Range(0, 4).Select(_ => new LocalRsaSigningKey(_directory.Path)).ToList();
        try
        {
            var kids = await Task.WhenAll(keys.Select(k => Task.Run(async () => (await k.GetPublicKeyAsync(CancellationToken.None)).KeyId)));

            Assert.That(kids.Distinct(), Has.Exactly(1).Items);
            Assert.That(Directory.GetFiles(_directory.Path).Select(Path.GetFileName), Is.EqualTo(new[] { LocalRsaSigningKey.FileName }));
        }
        finally
        {
            keys.ForEach(k => k.Dispose());
        }
    }

    [Test]
    public async Task Loads_an_existing_key_file()
    {
        using var rsa = RSA.Create(3072);
        await File.WriteAllTextAsync(_directory.File(LocalRsaSigningKey.FileName), rsa.ExportPkcs8PrivateKeyPem());
        using var key = new LocalRsaSigningKey(_directory.Path);

        var publicKey = await key.GetPublicKeyAsync(CancellationToken.None);

        Assert.That(publicKey.Parameters.Modulus, Is.EqualTo(rsa.ExportParameters(false).Modulus));
    }

    [Test]
    public void Refuses_a_corrupt_key_file_naming_it()
    {
        File.WriteAllText(_directory.File(LocalRsaSigningKey.FileName), "not a key");
        using var key = new LocalRsaSigningKey(_directory.Path);

        var error = Assert.ThrowsAsync<InvalidOperationException>(async () => await key.GetPublicKeyAsync(CancellationToken.None));

        Assert.That(error!.Message, Does.Contain(key.KeyFilePath));
    }

    [Test]
    public void Refuses_a_key_shorter_than_2048_bits()
    {
        using var weak = RSA.Create(1024);
        File.WriteAllText(_directory.File(LocalRsaSigningKey.FileName), weak.ExportPkcs8PrivateKeyPem());
        using var key = new LocalRsaSigningKey(_directory.Path);

        Assert.ThrowsAsync<InvalidOperationException>(async () => await key.SignAsync(new byte[] { 1 }, CancellationToken.None));
    }

    [Test]
    public async Task Signs_rs256_verifiable_with_the_public_key()
    {
        using var key = new LocalRsaSigningKey(_directory.Path);
        var data = Encoding.ASCII.GetBytes("header.payload");

        var signature = await key.SignAsync(data, CancellationToken.None);
        var publicKey = await key.GetPublicKeyAsync(CancellationToken.None);

        using var rsa = RSA.Create(publicKey.Parameters);
        Assert.Multiple(() =>
        {
            Assert.That(rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), Is.True);
            Assert.That(publicKey.Verify(data, signature), Is.True);
            Assert.That(publicKey.Verify(Encoding.ASCII.GetBytes("header.payloaD"), signature), Is.False);
        });
    }

    [Test]
    public void Key_id_is_the_rfc_7638_thumbprint()
    {
        // RFC 7638 §3.1 example key and thumbprint.
        const string n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        var parameters = new RSAParameters { Modulus = Base64Url.DecodeFromChars(n), Exponent = [1, 0, 1] };

        var publicKey = new JwtPublicKey(parameters);

        Assert.Multiple(() =>
        {
            Assert.That(publicKey.KeyId, Is.EqualTo("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"));
            Assert.That(publicKey.N, Is.EqualTo(n));
            Assert.That(publicKey.E, Is.EqualTo("AQAB"));
        });
    }

    [Test]
    public void Key_id_ignores_a_leading_zero_octet_in_the_modulus()
    {
        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(false);
        var padded = new RSAParameters { Modulus = [0, .. parameters.Modulus!], Exponent = parameters.Exponent };

        Assert.That(new JwtPublicKey(padded).KeyId, Is.EqualTo(new JwtPublicKey(parameters).KeyId));
    }
}
