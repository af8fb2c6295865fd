"""write_atomic: the new text or the old file, never half of one."""

import os
import stat

import pytest

from workbench.agents.writer import write_atomic


def test_replaces_the_file_with_the_new_text_byte_for_byte(tmp_path):
    target = tmp_path / "agent.md"
    target.write_text("old\n")
    write_atomic(target, "---\r\nname: x\r\n---\r\n\ufeffbody ✓\n")
    assert target.read_bytes() == "---\r\nname: x\r\n---\r\n\ufeffbody ✓\n".encode()


def test_keeps_the_permission_bits_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "agent.md"
    target.write_text("old\n")
    target.chmod(0o640)
    write_atomic(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_creates_a_missing_file_with_the_usual_mode(tmp_path):
    target = tmp_path / "new.md"
    write_atomic(target, "new\n")
    umask = os.umask(0)
    os.umask(umask)
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "agent.md"
    target.write_text("old\n")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "a lone surrogate \ud800 cannot be UTF-8")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agent.md"]


def test_writes_through_a_symlink_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old\n")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_atomic(link, "new\n")
    assert link.is_symlink()
    assert real.read_text() == "new\n"
