using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.DynamoDb;

namespace CleanCqrs.Infrastructure.Tests.DynamoDb;

[TestFixture]
public sealed class OutboxShardsTests
{
    [Test]
    public void Sixteen_shards_when_nothing_is_configured()
    {
        Assert.That(OutboxShards.FromEnvironment(_ => null).Count, Is.EqualTo(16));
        Assert.That(OutboxShards.FromEnvironment(_ => "  ").Count, Is.EqualTo(16));
    }

    [TestCase("1", 1)]
    [TestCase(" 32 ", 32)]
    [TestCase("64", 64)]
    public void The_configured_count_is_used(string raw, int expected)
    {
        Assert.That(OutboxShards.FromEnvironment(name => name == "OUTBOX_SHARDS" ? raw : null).Count, Is.EqualTo(expected));
    }

    [TestCase("0")]
    [TestCase("65")]
    [TestCase("-4")]
    [TestCase("16.5")]
    [TestCase("sixteen")]
    public void A_count_outside_one_to_sixty_four_is_a_settings_error_naming_the_setting(string raw)
    {
        var thrown = Assert.Throws<SettingsException>(() => OutboxShards.FromEnvironment(name => name == "OUTBOX_SHARDS" ? raw : null));

        Assert.That(thrown!.Setting, Is.EqualTo("OUTBOX_SHARDS"));
        Assert.That(thrown.Message, Does.Contain(raw));
    }

    [Test]
    public void The_hash_is_FNV_1a_so_every_process_and_build_agrees_on_a_streams_shard()
    {
        // Published FNV-1a 32-bit test vectors: "" and "a".
        Assert.That(OutboxShards.Hash(""), Is.EqualTo(0x811C9DC5u));
        Assert.That(OutboxShards.Hash("a"), Is.EqualTo(0xE40C292Cu));
        Assert.That(OutboxShards.Hash("foobar"), Is.EqualTo(0xBF9CF968u));
        var long1 = "org-" + new string('é', 300);
        Assert.That(OutboxShards.Hash(long1), Is.EqualTo(OutboxShards.Hash(string.Concat(long1.AsSpan(0, 150), long1.AsSpan(150)))));
    }

    [Test]
    public void A_stream_always_has_the_same_shard_within_the_count()
    {
        var shards = new OutboxShards(16);
        var stream = $"org-{Guid.NewGuid():N}";

        Assert.That(shards.Of(stream), Is.InRange(0, 15));
        Assert.That(new OutboxShards(16).KeyOf(stream), Is.EqualTo(shards.KeyOf(stream)));
        Assert.That(new OutboxShards(1).Of(stream), Is.Zero);
    }

    [Test]
    public void A_thousand_streams_spread_over_sixteen_shards_with_none_above_ten_percent()
    {
        var random = new Random(8);
        var shards = new OutboxShards(16);
        var counts = new int[16];
        for (var i = 0; i < 1000; i++)
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            var category = i % 2 == 0 ? "org" : "otp";
            counts[shards.Of($"{category}-{new Guid(bytes):N}")]++;
        }

        Assert.That(counts, Has.All.GreaterThan(0));
        Assert.That(counts.Max(), Is.LessThanOrEqualTo(100));
    }
}
