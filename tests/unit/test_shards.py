"""Which shard a server is on, and the shards a lease holder's name says it runs."""

from domain.shards import Shards, shard_of


def test_a_server_is_on_the_shard_discord_puts_it_on():
    # (guild_id >> 22) % shard_count, as Discord documents it.
    assert shard_of(2 << 22, 2) == 0 and shard_of(3 << 22, 2) == 1
    assert Shards(4, frozenset({1, 3})).covers(5 << 22) and not Shards(4, frozenset({1, 3})).covers(6 << 22)


def test_a_holder_names_its_shards_and_another_process_reads_them():
    shards = Shards(8, frozenset({0, 1, 2, 3}))
    holder = "bot-1:42:beef" + shards.label()
    assert holder == "bot-1:42:beef/s0,1,2,3of8"
    assert Shards.of_holder(holder) == shards


def test_a_holder_without_shards_or_with_a_garbled_name_names_none():
    assert Shards.of_holder("bot-1:42:beef") is None
    assert Shards.of_holder("bot-1:42:beef/sxof2") is None
    assert Shards.of_holder("bot-1:42:beef/s1") is None
