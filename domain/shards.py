"""Which gateway shard a server is on, and which shards a process runs.

Discord puts a server on shard (guild_id >> 22) % shard_count. A process started with SHARD_IDS runs
those shards only, so the servers on them are its "home": their commands and buttons reach it, and
their channels' writes should stay with it (the busy-channel budget is per channel). The shards a
process runs are part of its name on job leases, so another process can tell whose home a channel
is without asking it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Between the process part of a lease holder's name and its shards: "host:pid:random/s0,1of4".
_MARK = "/s"


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True)
class Shards:
    """Shards `ids` of `count`."""

    count: int
    ids: frozenset[int]

    def covers(self, guild_id: int) -> bool:
        return shard_of(guild_id, self.count) in self.ids

    def label(self) -> str:
        return f"{_MARK}{','.join(map(str, sorted(self.ids)))}of{self.count}"

    @classmethod
    def of_holder(cls, holder: str) -> Shards | None:
        """The shards a lease holder runs, from its name; None when it names none (all shards, or
        a name from before shards were part of it)."""
        _, mark, spec = holder.rpartition(_MARK)
        if not mark:
            return None
        ids, of, count = spec.partition("of")
        try:
            return cls(int(count), frozenset(int(i) for i in ids.split(","))) if of else None
        except ValueError:
            return None
