#!/usr/bin/env python3
"""The peer of `ogp-publish push` for the push benchmark: publishes a built dist/ with ckanapi
(PyPI) the way publishers script it: for each dataset, package_show; package_create when it is
missing, otherwise package_patch with the metadata; then one upload per file (resource_create
for a new resource, resource_patch with the new upload otherwise). It does not compare hashes,
so every run re-uploads every file: that is how the scripts we replace work. When the dataset
has a `datastore.json` (and the portal the DataStore), it then loads each data table the way
such scripts and tableschema-ckan-datastore do, without comparing either: the table deleted,
created again with the same typed, documented fields, and every row inserted in batches of
5,000 records.

    python bench/peer_push.py --portal URL --token-file FILE --dist DIST [--suffix S]

It publishes the same files with the same metadata as ours (each dataset's package.json), under
the dataset name + S (so it never touches the datasets `ogp-publish push` manages), one request
at a time. It counts every HTTP request by wrapping ckanapi's requests session and prints one
JSON object: requests, writes, bytes_uploaded, datasets, seconds.
"""

import argparse
import csv
import json
import os
import sys
import time

import ckanapi
import requests

READS = {"package_show", "status_show", "organization_show", "organization_list_for_user",
         "datastore_search"}


class CountingSession(requests.Session):
    """A requests session that counts requests, writes and uploaded file bytes."""

    def __init__(self):
        super().__init__()
        self.requests = 0
        self.writes = 0
        self.bytes_uploaded = 0

    def request(self, method, url, *args, **kwargs):
        self.requests += 1
        if url.rstrip("/").rsplit("/", 1)[-1] not in READS:
            self.writes += 1
        for f in (kwargs.get("files") or {}).values():
            fobj = f[1] if isinstance(f, tuple) else f
            if hasattr(fobj, "fileno"):
                self.bytes_uploaded += os.fstat(fobj.fileno()).st_size
        return super().request(method, url, *args, **kwargs)


def load_table(ckan, resource_id, table, path):
    """Replaces the DataStore table of `resource_id` with every row of the CSV at `path`."""
    try:
        ckan.action.datastore_delete(resource_id=resource_id, force=True)
    except ckanapi.NotFound:
        pass
    ckan.action.datastore_create(resource_id=resource_id, force=True, fields=table["fields"],
                                 primary_key=table["primary_key"])
    types = {f["id"]: f["type"] for f in table["fields"]}
    convert = {"int": int, "numeric": float}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = [{k: (convert.get(types[k], str)(v) if v != "" else None) for k, v in r.items()}
                for r in csv.DictReader(fh)]
    for start in range(0, len(rows), 5000):
        ckan.action.datastore_upsert(resource_id=resource_id, force=True, method="insert",
                                     records=rows[start:start + 5000])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portal", required=True)
    ap.add_argument("--token-file", required=True)
    ap.add_argument("--dist", required=True)
    ap.add_argument("--suffix", default="")
    ap.add_argument("--datastore", action="store_true",
                    help="load the data tables into the DataStore too")
    args = ap.parse_args()
    with open(args.token_file, encoding="utf-8") as f:
        token = f.read().strip()
    session = CountingSession()
    ckan = ckanapi.RemoteCKAN(args.portal, apikey=token, session=session,
                              user_agent="bench-peer-push (ckanapi)")
    started = time.monotonic()
    datasets_dir = os.path.join(args.dist, "datasets")
    names = sorted(os.listdir(datasets_dir))
    for folder in names:
        with open(os.path.join(datasets_dir, folder, "package.json"), encoding="utf-8") as f:
            package = json.load(f)
        resources = package.pop("resources")
        package["name"] = package["name"] + args.suffix
        try:
            existing = ckan.action.package_show(id=package["name"])
        except ckanapi.NotFound:
            existing = None
        if existing is None:
            existing = ckan.action.package_create(**package)
        else:
            existing = ckan.action.package_patch(id=existing["id"], **package)
        by_name = {r["name"]: r for r in existing.get("resources", [])}
        ids = {}
        for res in resources:
            # A form field holds text: ckanapi cannot send a list beside an upload, and
            # ckanext-scheming reads a single text value as a one-item list.
            fields = {k: (",".join(v) if isinstance(v, list) else v)
                      for k, v in res.items() if k not in ("url",)}
            with open(os.path.join(datasets_dir, folder, res["url"]), "rb") as upload:
                if res["name"] in by_name:
                    done = ckan.action.resource_patch(id=by_name[res["name"]]["id"],
                                                      upload=upload, **fields)
                else:
                    done = ckan.action.resource_create(package_id=existing["id"],
                                                       upload=upload, **fields)
            ids[res["url"]] = done["id"]
        spec = os.path.join(datasets_dir, folder, "datastore.json")
        if args.datastore and os.path.exists(spec):
            with open(spec, encoding="utf-8") as f:
                for table in json.load(f)["tables"]:
                    load_table(ckan, ids[table["file"]], table,
                               os.path.join(datasets_dir, folder, table["file"]))
    print(json.dumps({
        "requests": session.requests, "writes": session.writes,
        "bytes_uploaded": session.bytes_uploaded, "datasets": len(names),
        "seconds": round(time.monotonic() - started, 3),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
