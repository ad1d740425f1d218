"""File store and manifest work of scripts/backup and scripts/restore (issue 17).

Run by ``scripts/lib/backup.sh`` with the venv's Python; it needs ``psycopg2``
only (no Invenio app), so it works on a database being restored.

    backup.py files-sync STORE OUT.json       copy new files of the DB into STORE, verified
    backup.py manifest DIR [KEY=VALUE...]     write DIR/manifest.json (size, sha256 of each file)
    backup.py verify DIR                      check DIR against its manifest.json
    backup.py restore-files STORE DEST        copy the restored DB's files from STORE to DEST,
                                              verified, and point the DB's locations at DEST
    backup.py check-files                     every readable file of the DB against its checksum
    backup.py wal-name LSN TIMELINE           WAL segment file name of an LSN
    backup.py keep BASE... (stdin: names)     retention: the base-backup names to keep

The database is the one of ``TD_PG_*`` (host 127.0.0.1). Every file of
``files_files`` is copied once into ``STORE/<location name>/<path under the
location>`` (file instances never change in InvenioRDM: a new version is a new
file), through a temporary name; the copy's MD5 must equal the database's
``md5:`` checksum (and the SHA-256 recorded at upload, ``techdata_file_sha256``, when
there is one) before it gets its real name. ``STORE/index.json`` lists what
the store holds with MD5 and SHA-256 (the second, independent checksum).
Exit status: 0 all good, 1 a file failed its check (named on stderr), 2 bad use.
"""

import hashlib
import json
import os
import sys
import tempfile
from datetime import datetime, timezone

CHUNK = 1 << 20


def connect():
    """A psycopg2 connection to the instance database (TD_PG_* settings)."""
    import psycopg2  # the venv's; imported here so `wal-name` and `keep` need no driver

    env = os.environ.get
    return psycopg2.connect(host="127.0.0.1", port=int(env("TD_PG_PORT", "5433")),
                            user=env("TD_PG_USER", "techdata"),
                            password=env("TD_PG_PASSWORD", "techdata"),
                            dbname=env("TD_PG_DB", "techdata"))


def _hash_blocks(fin, write=None):
    """(size, md5 hex, sha256 hex) of what ``fin`` yields, each block also given to ``write``."""
    md5, sha, size = hashlib.md5(), hashlib.sha256(), 0
    while block := fin.read(CHUNK):
        md5.update(block)
        sha.update(block)
        size += len(block)
        if write:
            write(block)
    return size, md5.hexdigest(), sha.hexdigest()


def copy_hashed(src, dst):
    """Copy src to dst (fsynced); return (size, md5 hex, sha256 hex) of the bytes copied."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        result = _hash_blocks(fin, fout.write)
        fout.flush()
        os.fsync(fout.fileno())
    return result


def hash_file(path):
    """(size, md5 hex, sha256 hex) of a file."""
    with open(path, "rb") as fin:
        return _hash_blocks(fin)


def db_files(conn):
    """Rows (id, uri, size, checksum, location name, location uri, sha256) of every stored
    file; ``sha256`` is the digest recorded at upload (``techdata_file_sha256``) or None."""
    with conn.cursor() as cur:
        cur.execute("SELECT name, uri FROM files_location ORDER BY length(uri) DESC")
        locations = cur.fetchall()
        cur.execute("SELECT to_regclass('public.techdata_file_sha256') IS NOT NULL")
        sha = ("(SELECT s.sha256 FROM techdata_file_sha256 s WHERE s.file_id = f.id)"
               if cur.fetchone()[0] else "NULL")
        cur.execute(f"SELECT f.id::text, f.uri, f.size, f.checksum, {sha} FROM files_files f "
                    "WHERE f.uri IS NOT NULL ORDER BY f.uri")
        for fid, uri, size, checksum, sha256 in cur.fetchall():
            loc = next(((n, u) for n, u in locations if uri.startswith(u.rstrip("/") + "/")),
                       (None, None))
            yield fid, uri, size, checksum, loc[0], loc[1], sha256


def mismatch(got_size, md5, sha, size, checksum, recorded_sha):
    """Why a file's bytes do not match the database (size, MD5, recorded SHA-256); None if
    they do."""
    want = expected_md5(checksum)
    if got_size != size:
        return f"size {got_size}, the database says {size}"
    if want is not None and md5 != want:
        return f"md5:{md5}, the database says {checksum}"
    if recorded_sha and sha != recorded_sha:
        return f"sha256:{sha}, recorded at upload sha256:{recorded_sha}"
    return None


def write_state(name, data):
    """Write a status file ``$TD_BACKUP_STATE/<name>`` for the report page (atomically)."""
    folder = os.environ.get("TD_BACKUP_STATE")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".state-")
    with os.fdopen(fd, "w", encoding="utf-8") as fp:
        json.dump(data, fp, indent=1)
    os.replace(tmp, os.path.join(folder, name))


def now_iso():
    """Now in UTC, ISO 8601 with ``Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def relative(uri, loc_name, loc_uri):
    """Path of a file inside the store: location name / path under the location."""
    if loc_name is None:
        return os.path.join("_outside", uri.lstrip("/"))
    return os.path.join(loc_name, uri[len(loc_uri.rstrip("/")) + 1:])


def load_index(store):
    """The store's index (relative path → {size, md5, sha256}), empty when new."""
    path = os.path.join(store, "index.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fp:
            return json.load(fp)
    return {}


def save_index(store, index):
    """Write the store's index atomically."""
    path = os.path.join(store, "index.json")
    fd, tmp = tempfile.mkstemp(dir=store, prefix=".index-")
    with os.fdopen(fd, "w", encoding="utf-8") as fp:
        json.dump(index, fp, sort_keys=True, indent=0)
        fp.flush()
        os.fsync(fp.fileno())
    os.replace(tmp, path)


def expected_md5(checksum):
    """The hex MD5 of an InvenioRDM checksum ``md5:<hex>``; None for another algorithm."""
    if checksum and checksum.startswith("md5:"):
        return checksum[4:]
    return None


def files_sync(store, out):
    """Copy the DB's files missing from STORE; write the file list to OUT; 1 on a bad file."""
    os.makedirs(store, exist_ok=True)
    index = load_index(store)
    listing, bad, copied, copied_bytes = [], [], 0, 0
    with connect() as conn:
        rows = list(db_files(conn))
    for fid, uri, size, checksum, loc_name, loc_uri, recorded in rows:
        rel = relative(uri, loc_name, loc_uri)
        entry = {"id": fid, "path": rel, "size": size, "checksum": checksum}
        held = index.get(rel)
        if held and held["size"] == size and ("md5:" + held["md5"]) == checksum and \
                (not recorded or held["sha256"] == recorded):
            entry["sha256"] = held["sha256"]
            listing.append(entry)
            continue
        dst = os.path.join(store, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        tmp = dst + ".part"
        try:
            got_size, md5, sha = copy_hashed(uri, tmp)
        except OSError as exc:
            bad.append(f"{fid} {uri}: unreadable ({exc.strerror})")
            entry["error"] = "unreadable"
            listing.append(entry)
            continue
        why = mismatch(got_size, md5, sha, size, checksum, recorded)
        if why:
            os.unlink(tmp)
            bad.append(f"{fid} {uri}: {why}")
            entry["error"] = "checksum mismatch"
            listing.append(entry)
            continue
        os.replace(tmp, dst)
        index[rel] = {"size": size, "md5": md5, "sha256": sha}
        entry["sha256"] = sha
        listing.append(entry)
        copied += 1
        copied_bytes += size
    save_index(store, index)
    with open(out, "w", encoding="utf-8") as fp:
        json.dump({"files": listing, "errors": bad}, fp, indent=1)
    print(f"files: {len(rows)} in the database, {copied} copied ({copied_bytes} bytes), "
          f"{len(bad)} failed their check")
    for line in bad:
        print(f"FIXITY: {line}", file=sys.stderr)
    return 1 if bad else 0


def manifest(folder, extra):
    """Write folder/manifest.json: every file's size and SHA-256, plus KEY=VALUE facts."""
    facts = dict(item.split("=", 1) for item in extra)
    entries = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name == "manifest.json" or not os.path.isfile(path):
            continue
        size, _, sha = hash_file(path)
        entries[name] = {"size": size, "sha256": sha}
    facts["written"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    facts["contents"] = entries
    files_list = os.path.join(folder, "files.json")
    if os.path.exists(files_list):
        with open(files_list, encoding="utf-8") as fp:
            listing = json.load(fp)["files"]
        facts["file_store"] = {"count": len(listing),
                               "bytes": sum(f["size"] or 0 for f in listing)}
    with open(os.path.join(folder, "manifest.json"), "w", encoding="utf-8") as fp:
        json.dump(facts, fp, indent=1, sort_keys=True)
    return 0


def verify(folder):
    """Check every file named in folder/manifest.json (size and SHA-256)."""
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as fp:
        facts = json.load(fp)
    bad = 0
    for name, want in facts["contents"].items():
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            print(f"MISSING: {path}", file=sys.stderr)
            bad += 1
            continue
        size, _, sha = hash_file(path)
        if (size, sha) != (want["size"], want["sha256"]):
            print(f"DAMAGED: {path} (sha256 {sha}, manifest {want['sha256']})", file=sys.stderr)
            bad += 1
    print(f"manifest: {len(facts['contents'])} files checked, {bad} bad")
    return 1 if bad else 0


def restore_files(store, dest):
    """Copy the restored DB's files from STORE into DEST (verified); repoint the locations."""
    index = load_index(store)
    os.makedirs(dest, exist_ok=True)
    bad, done = [], 0
    with connect() as conn:
        rows = list(db_files(conn))
        with conn.cursor() as cur:
            cur.execute("SELECT name, uri FROM files_location")
            locations = cur.fetchall()
            for name, uri in locations:
                new = os.path.join(dest, name)
                os.makedirs(new, exist_ok=True)
                old = uri.rstrip("/")
                cur.execute("UPDATE files_files SET uri = %s || substr(uri, %s) "
                            "WHERE uri LIKE %s", (new, len(old) + 1, old + "/%"))
                cur.execute("UPDATE files_location SET uri = %s WHERE name = %s", (new, name))
        conn.commit()
    for fid, uri, size, checksum, loc_name, loc_uri, recorded in rows:
        rel = relative(uri, loc_name, loc_uri)
        src = os.path.join(store, rel)
        dst = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if not os.path.isfile(src):
            bad.append(f"{fid} {rel}: not in the backup")
            continue
        got_size, md5, sha = copy_hashed(src, dst)
        held = index.get(rel, {})
        why = mismatch(got_size, md5, sha, size, checksum, recorded or held.get("sha256"))
        if why:
            bad.append(f"{fid} {rel}: {why}")
            continue
        done += 1
    print(f"files: {done} of {len(rows)} restored into {dest} and verified (MD5 and SHA-256)")
    for line in bad:
        print(f"FIXITY: {line}", file=sys.stderr)
    return 1 if bad else 0


def check_files():
    """Hash every file the DB lists against its MD5 and its SHA-256 recorded at upload;
    print the bad ones; leave the outcome in ``$TD_BACKUP_STATE/fixity.json``."""
    bad, rows, without_sha = [], 0, 0
    started = now_iso()
    with connect() as conn:
        for fid, uri, size, checksum, _, _, recorded in db_files(conn):
            rows += 1
            without_sha += not recorded
            try:
                got_size, md5, sha = hash_file(uri)
            except OSError as exc:
                bad.append(f"{fid} {uri}: unreadable ({exc.strerror})")
                continue
            why = mismatch(got_size, md5, sha, size, checksum, recorded)
            if why:
                bad.append(f"{fid} {uri}: {why}")
    print(f"files: {rows} checked (MD5; SHA-256 where recorded: {rows - without_sha}), "
          f"{len(bad)} bad")
    for line in bad:
        print(f"FIXITY: {line}", file=sys.stderr)
    write_state("fixity.json", {"started": started, "finished": now_iso(), "checked": rows,
                                "without_sha256": without_sha, "bad": bad,
                                "status": 1 if bad else 0})
    return 1 if bad else 0


def wal_name(lsn, timeline):
    """WAL segment file name (16 MiB segments) holding LSN ``X/Y`` on TIMELINE."""
    hi, lo = (int(part, 16) for part in lsn.split("/"))
    print(f"{int(timeline):08X}{hi:08X}{lo >> 24:08X}")
    return 0


def keep(daily, monthly, names):
    """Names of base backups (``YYYYmmddTHHMMSSZ``) kept: newest of each of the last
    DAILY days and of each of the last MONTHLY months (the newest is always kept)."""
    names = sorted(set(names), reverse=True)
    kept, days, months = set(names[:1]), [], []
    for name in names:
        day, month = name[:8], name[:6]
        if day not in days and len(days) < daily:
            days.append(day)
            kept.add(name)
        if month not in months and len(months) < monthly:
            months.append(month)
            kept.add(name)
    for name in sorted(kept):
        print(name)
    return 0


def main(argv):
    """Dispatch the sub-command; return the exit status."""
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "files-sync" and len(args) == 2:
        return files_sync(*args)
    if cmd == "manifest" and args:
        return manifest(args[0], args[1:])
    if cmd == "verify" and len(args) == 1:
        return verify(args[0])
    if cmd == "restore-files" and len(args) == 2:
        return restore_files(*args)
    if cmd == "check-files" and not args:
        return check_files()
    if cmd == "wal-name" and len(args) == 2:
        return wal_name(*args)
    if cmd == "keep" and len(args) == 2:
        return keep(int(args[0]), int(args[1]), sys.stdin.read().split())
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
