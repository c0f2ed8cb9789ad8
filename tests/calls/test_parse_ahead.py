"""Parsing ahead in worker processes (calls.ingestion.computed_ahead): the same outcomes, in order."""

import contextlib
import io
import json
import multiprocessing
import os
import sys
import threading

import pytest
from django.core.management import CommandError, call_command

from calls import ingestion
from calls.ingestion import computed_ahead
from tests.archive import SAMPLES

needs_fork = pytest.mark.skipif(sys.platform != "linux", reason="parsing ahead forks, on Linux only")
PARENT = os.getpid()


# Module-level: the workers find them by name.
def square_and_pid(number):
    return number * number, os.getpid()


def refuse_odd(number):
    if number % 2:
        raise ValueError(f"{number} is odd")
    return number


class Unpicklable(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.lock = threading.Lock()  # a lock does not pickle


def unpicklable_in_workers(number):
    if os.getpid() != PARENT:
        raise Unpicklable(f"{number} in a worker")
    return number, "computed again in the caller"


def die_in_workers(number):
    if os.getpid() != PARENT:
        os._exit(3)  # as the OOM killer would end it
    return number


def outcomes(function, count, **options):
    results = []
    for outcome in computed_ahead(function, [(number,) for number in range(count)], **options):
        try:
            results.append(outcome())
        except Exception as error:
            results.append((type(error).__name__, str(error)))
    return results


@needs_fork
def test_results_come_in_order_computed_in_another_process():
    results = outcomes(square_and_pid, 30, workers=2, ahead=3)
    assert [square for square, _pid in results] == [n * n for n in range(30)]
    assert PARENT not in {pid for _square, pid in results}


def test_without_workers_each_is_computed_in_the_caller():
    results = outcomes(square_and_pid, 5, workers=0)
    assert results == [(n * n, PARENT) for n in range(5)]


@needs_fork
def test_an_error_is_raised_as_the_caller_would_have_raised_it():
    odd = [("ValueError", "1 is odd"), ("ValueError", "3 is odd")]
    assert outcomes(refuse_odd, 4, workers=1) == [0, odd[0], 2, odd[1]]


@needs_fork
def test_an_error_that_does_not_pickle_is_computed_again_in_the_caller():
    assert outcomes(unpicklable_in_workers, 3, workers=1) == [
        (n, "computed again in the caller") for n in range(3)
    ]


@needs_fork
def test_a_worker_that_dies_leaves_the_rest_to_the_caller():
    assert outcomes(die_in_workers, 6, workers=1, ahead=2) == list(range(6))


@needs_fork
def test_stopping_early_stops_the_workers():
    with contextlib.closing(computed_ahead(square_and_pid, [(n,) for n in range(50)], workers=2)) as ahead:
        assert next(ahead)()[0] == 0
        assert multiprocessing.active_children()
    assert not multiprocessing.active_children()


def run_ingest(*args) -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.suppress(CommandError):
        call_command("ingest", "--json", *map(str, args), stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


@needs_fork
@pytest.mark.django_db
def test_ingest_reports_the_same_with_or_without_parsing_ahead(tmp_path, monkeypatch):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    files = [SAMPLES, tmp_path / "empty.txt", tmp_path / "missing.txt", tmp_path / "binary.txt", SAMPLES]
    monkeypatch.setattr(ingestion, "parse_workers", lambda: 1)
    ahead, _ = run_ingest("--dry-run", *files)
    monkeypatch.setattr(ingestion, "parse_workers", lambda: 0)
    alone, _ = run_ingest("--dry-run", *files)
    assert ahead == alone
    samples = len(list(SAMPLES.glob("*.txt")))
    assert len(ahead) == 2 * samples + 3
    errors = [report["file"] for report in ahead if "error" in report]
    assert errors == [str(tmp_path / name) for name in ("empty.txt", "missing.txt", "binary.txt")]


@needs_fork
@pytest.mark.django_db
def test_ingest_stores_what_it_parsed_ahead(monkeypatch):
    monkeypatch.setattr(ingestion, "parse_workers", lambda: 1)
    reports, _ = run_ingest(SAMPLES)
    assert {report["status"] for report in reports} == {"created"}
    again, _ = run_ingest(SAMPLES)
    assert {report["status"] for report in again} == {"unchanged"}
