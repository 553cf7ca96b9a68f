"""roi.gcpause: the cyclic garbage collector paused while exports run, and resumed after."""

from __future__ import annotations

import gc
import threading

import pytest

from roi.gcpause import collector_paused, paused_depth


@pytest.fixture(autouse=True)
def _collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_paused_inside_and_resumed_after():
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled() and paused_depth() == 0


def test_resumed_after_an_error():
    with pytest.raises(ZeroDivisionError), collector_paused():
        1 / 0
    assert gc.isenabled() and paused_depth() == 0


def test_nested_blocks_resume_only_at_the_last():
    with collector_paused():
        with collector_paused():
            assert paused_depth() == 2
        assert not gc.isenabled()  # the outer block still holds it
    assert gc.isenabled()


def test_a_collector_someone_turned_off_stays_off():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_two_threads_overlapping_resume_when_both_end():
    """Thread A enters, then B; A leaves first: still paused; B leaves: resumed."""
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def a() -> None:
        with collector_paused():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def b() -> None:
        a_in.wait(5)
        with collector_paused():
            b_in.set()
            a_out.wait(5)
            seen["after A left"] = gc.isenabled()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"after A left": False}
    assert gc.isenabled() and paused_depth() == 0


def test_the_workbook_export_runs_with_the_collector_paused(monkeypatch):
    import roi
    from roi.export import xlsx

    states: list[bool] = []
    write = xlsx.Calc.write

    def spy(self):
        states.append(gc.isenabled())
        write(self)

    monkeypatch.setattr(xlsx.Calc, "write", spy)
    xlsx.workbook_bytes(roi.load_sample("european_retailer"), analyses=False)
    assert states == [False] and gc.isenabled()

