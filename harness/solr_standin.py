#!/usr/bin/env python3
"""A small in-memory stand-in for the Solr endpoints that CKAN (2.9 to 2.12) calls.

Apache Solr cannot be installed on the project's machines, and stock CKAN cannot write a
dataset without a search index. This server answers the few requests CKAN (through pysolr)
sends, so that everything else in the push tests stays real: CKAN's validation and
permissions, PostgreSQL, file storage, DataStore, Redis.

Standard library only. One process serves several cores by path, e.g. /solr/ckan_plain and
/solr/ckan_dq; each core keeps its documents in memory (lost on restart: the harness runs
`ckan search-index rebuild` after restarting this server). Each core answers its own schema
name (`--core NAME:SCHEMA_NAME`, default `--schema-name`): CKAN checks it at startup against
the versions it supports (2.9: ckan-2.8 to ckan-2.10; 2.10 and 2.11: to ckan-2.11; 2.12: to
ckan-2.12).

Endpoints, under /solr/<core>:
  GET  schema?wt=schema.xml, admin/file?file=schema.xml  -> <schema name="ckan-2.11" .../>
       (the core's schema name; schema without wt=schema.xml: the same as JSON)
  POST update[/][?commit=true]  JSON list of documents (adds, unique key index_id), JSON
       {"add"|"delete"|"commit": ...} commands, or XML <add>, <delete><id>|<query>,
       <commit/>, <optimize/>
  GET|POST select[/]  q, fq (several, ANDed), rows, start, sort, fl, wt=json,
       facet=true with facet.field, facet.limit, facet.mincount, facet.sort
  GET  admin/ping
and GET /standin (this server's own health: cores and document counts).

Query language: the Lucene forms CKAN sends: `*:*`, `field:value`, `field:"value"`,
`field:(a OR b)`, `+a -b`, `AND`, `OR`, `NOT`, parentheses, `field:*`, `field:[a TO b]`
(with NOW), trailing wildcards. String fields match exactly; the text fields (title,
notes, res_name, ..., and unfielded words) match case- and accent-insensitively on words.
No ranking: results come back in index order unless `sort` says otherwise (score is ignored).
"""

import argparse
import datetime as dt
import functools
import json
import re
import sys
import threading
import time
import unicodedata
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# Fields that Solr (with CKAN's schema.xml) analyses as text rather than exact strings.
TEXT_FIELDS = {
    "text", "title", "notes", "author", "maintainer", "res_name", "res_description",
    "urls", "name_ngram", "title_ngram",
}
TEXT_PREFIXES = ("extras_", "res_extras_")
# Never searched by unfielded words (they hold whole JSON copies of the dataset).
NOT_IN_DEFAULT_TEXT = {"data_dict", "validated_data_dict", "index_id", "site_id",
                       "permission_labels", "_version_"}


class QueryError(Exception):
    """A query this stand-in cannot parse (answered as Solr's HTTP 400)."""


# --------------------------------------------------------------------------- values


def scalar_text(value):
    """The string Solr would index for one stored value."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def field_values(doc, field):
    """Every value of `field` in `doc` as strings ([] when absent)."""
    if field is None or field == "text":
        out = []
        for key, value in doc.items():
            if key in NOT_IN_DEFAULT_TEXT:
                continue
            out.extend(field_values(doc, key))
        return out
    value = doc.get(field)
    if value is None:
        return []
    if isinstance(value, list):
        return [scalar_text(v) for v in value if v is not None]
    return [scalar_text(value)]


def is_text_field(field):
    return field is None or field in TEXT_FIELDS or field.startswith(TEXT_PREFIXES)


def fold(text):
    """Lower case without accents, as an ASCII-folding analyser would give."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text):
    return re.findall(r"\w+", fold(text))


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?Z?$")
DATE_MATH = re.compile(r"([+-])(\d+)(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)S?")
UNIT_SECONDS = {"YEAR": 365 * 86400, "MONTH": 30 * 86400, "DAY": 86400, "HOUR": 3600,
                "MINUTE": 60, "SECOND": 1}


def now_expression(text):
    """`NOW`, `NOW-7DAYS`, `NOW/DAY` ... as a naive UTC datetime (months = 30 days)."""
    rest = text[3:]
    moment = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    rounding = None
    if "/" in rest:
        rest, rounding = rest.split("/", 1)
    for sign, amount, unit in DATE_MATH.findall(rest):
        delta = dt.timedelta(seconds=int(amount) * UNIT_SECONDS[unit])
        moment = moment + delta if sign == "+" else moment - delta
    if rounding:
        rounding = rounding.rstrip("S")
        if rounding in ("DAY", "MONTH", "YEAR"):
            moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
            if rounding in ("MONTH", "YEAR"):
                moment = moment.replace(day=1)
            if rounding == "YEAR":
                moment = moment.replace(month=1)
        elif rounding == "HOUR":
            moment = moment.replace(minute=0, second=0, microsecond=0)
    return moment


def comparable(text):
    """A key that orders numbers as numbers, dates as dates and the rest as strings."""
    if text.startswith("NOW"):
        return (1, now_expression(text))
    if ISO_DATE.match(text):
        stamp = text.rstrip("Z").replace(" ", "T")
        try:
            return (1, dt.datetime.fromisoformat(stamp))
        except ValueError:
            pass
    try:
        return (0, float(text))
    except ValueError:
        return (2, text)


# --------------------------------------------------------------------------- queries


class MatchAll:
    def matches(self, doc):
        return True


class Term:
    """`field:value`; field None means the default (all text) field."""

    def __init__(self, field, value, quoted, wildcard):
        self.field = field
        self.value = value
        self.quoted = quoted
        self.wildcard = wildcard and not quoted
        if self.wildcard and value != "*":
            pattern = "".join(
                ".*" if c == "*" else "." if c == "?" else re.escape(c) for c in value)
            self.pattern = re.compile("^" + pattern + "$", re.S)
            self.folded_pattern = re.compile("^" + fold(pattern) + "$", re.S)

    def matches(self, doc):
        values = field_values(doc, self.field)
        if self.wildcard:
            if self.value == "*":
                return any(v != "" for v in values)
            if is_text_field(self.field):
                return any(self.folded_pattern.match(w) for v in values for w in words(v))
            return any(self.pattern.match(v) for v in values)
        if self.value in values:
            return True
        if is_text_field(self.field):
            wanted = words(self.value)
            if not wanted:
                return False
            for v in values:
                have = words(v)
                for i in range(len(have) - len(wanted) + 1):
                    if have[i:i + len(wanted)] == wanted:
                        return True
            return False
        # numbers: 1 matches 1.0
        key = comparable(self.value)
        return key[0] == 0 and any(comparable(v) == key for v in values)


class Range:
    def __init__(self, field, low, high, low_inclusive, high_inclusive):
        self.field = field
        self.low = None if low == "*" else comparable(low)
        self.high = None if high == "*" else comparable(high)
        self.low_inclusive = low_inclusive
        self.high_inclusive = high_inclusive

    def matches(self, doc):
        for v in field_values(doc, self.field):
            key = comparable(v)
            try:
                if self.low is not None:
                    if key < self.low or (key == self.low and not self.low_inclusive):
                        continue
                if self.high is not None:
                    if key > self.high or (key == self.high and not self.high_inclusive):
                        continue
            except TypeError:
                continue
            return True
        return False


MUST, SHOULD, MUST_NOT = "must", "should", "must_not"


class Boolean:
    """A Lucene boolean query: every MUST, no MUST_NOT, and (with no MUST) one SHOULD."""

    def __init__(self, clauses):
        self.clauses = clauses  # list of [occur, query]

    def matches(self, doc):
        must = [q for o, q in self.clauses if o == MUST]
        should = [q for o, q in self.clauses if o == SHOULD]
        must_not = [q for o, q in self.clauses if o == MUST_NOT]
        if any(q.matches(doc) for q in must_not):
            return False
        if must:
            return all(q.matches(doc) for q in must)
        if should:
            return any(q.matches(doc) for q in should)
        # a purely negative query matches everything it does not exclude (as Solr does)
        return bool(must_not)


class Parser:
    """Recursive descent over the Lucene query syntax subset described above."""

    SPECIAL = set('()"[]{}:')

    def __init__(self, text, default_and):
        self.text = text
        self.pos = 0
        self.default_and = default_and

    def parse(self):
        if self.text.strip().startswith("{!"):
            raise QueryError("local parameters are not supported by the stand-in")
        query = self.group(field=None, nested=False)
        return query

    # -- low level
    def peek(self):
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_spaces(self):
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def keyword(self, word):
        """Consumes `word` when it stands alone (followed by space, paren or end)."""
        end = self.pos + len(word)
        if self.text[self.pos:end] != word:
            return False
        if end < len(self.text) and not (self.text[end].isspace() or self.text[end] in "()"):
            if word not in ("&&", "||", "!"):
                return False
        self.pos = end
        return True

    # -- grammar
    def group(self, field, nested):
        clauses = []
        while True:
            self.skip_spaces()
            c = self.peek()
            if c == "":
                if nested:
                    raise QueryError("missing ')' in query %r" % self.text)
                break
            if c == ")":
                if not nested:
                    raise QueryError("unbalanced ')' in query %r" % self.text)
                self.pos += 1
                break
            conj = None
            if self.keyword("AND") or self.keyword("&&"):
                conj = "AND"
            elif self.keyword("OR") or self.keyword("||"):
                conj = "OR"
            if conj:
                self.skip_spaces()
            modifier = None
            if self.keyword("NOT") or self.keyword("!"):
                modifier = "-"
            elif self.peek() in "+-" and self.pos + 1 < len(self.text) \
                    and not self.text[self.pos + 1].isspace():
                modifier = self.peek()
                self.pos += 1
            if conj and self.peek() in ("", ")"):
                raise QueryError("dangling %s in query %r" % (conj, self.text))
            query = self.clause(field)
            self.add(clauses, conj, modifier, query)
        return Boolean(clauses)

    def add(self, clauses, conj, modifier, query):
        # The classic Lucene parser's rules for mixing AND, OR, + and - with a default
        # operator: an AND makes the previous clause required, an OR (under a default of
        # AND) makes it optional.
        if clauses and conj == "AND" and clauses[-1][0] != MUST_NOT:
            clauses[-1][0] = MUST
        if clauses and conj == "OR" and self.default_and and clauses[-1][0] != MUST_NOT:
            clauses[-1][0] = SHOULD
        if modifier == "-":
            occur = MUST_NOT
        elif modifier == "+":
            occur = MUST
        elif self.default_and:
            occur = SHOULD if conj == "OR" else MUST
        else:
            occur = MUST if conj == "AND" else SHOULD
        clauses.append([occur, query])

    def clause(self, field):
        c = self.peek()
        if c == "(":
            self.pos += 1
            return self.group(field, nested=True)
        if c == '"':
            return Term(field, self.quoted(), quoted=True, wildcard=False)
        if c in "[{":
            return self.range(field)
        token, wildcard, stopped_at_colon = self.bare(split_colon=True)
        if stopped_at_colon:
            self.pos += 1  # the ':'
            name = token
            c = self.peek()
            if c == "(":
                self.pos += 1
                return self.group(name, nested=True)
            if c == '"':
                return Term(name, self.quoted(), quoted=True, wildcard=False)
            if c in "[{":
                return self.range(name)
            value, wildcard, _ = self.bare(split_colon=False)
            if name == "*" and value == "*":
                return MatchAll()
            if value == "":
                raise QueryError("empty value for field %r in query %r" % (name, self.text))
            return Term(name, value, quoted=False, wildcard=wildcard)
        if token == "":
            raise QueryError("unexpected %r at %d in query %r" % (self.peek(), self.pos,
                                                                   self.text))
        return Term(field, token, quoted=False, wildcard=wildcard)

    def bare(self, split_colon):
        out = []
        wildcard = False
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if c.isspace() or c in "()":
                break
            if c == ":" and split_colon:
                return "".join(out), wildcard, True
            if c in "*?":
                wildcard = True
            if c in "^~":  # boost or fuzziness: no ranking here, so drop it
                self.pos += 1
                while self.pos < len(self.text) and (self.text[self.pos].isdigit()
                                                      or self.text[self.pos] == "."):
                    self.pos += 1
                continue
            out.append(c)
            self.pos += 1
        return "".join(out), wildcard, False

    def quoted(self):
        self.pos += 1  # opening quote
        out = []
        while True:
            if self.pos >= len(self.text):
                raise QueryError("unterminated phrase in query %r" % self.text)
            c = self.text[self.pos]
            if c == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            self.pos += 1
            if c == '"':
                break
            out.append(c)
        if self.peek() in "~^":  # proximity or boost
            self.bare(split_colon=False)
        return "".join(out)

    def range(self, field):
        low_inclusive = self.peek() == "["
        self.pos += 1
        end = self.pos
        while end < len(self.text) and self.text[end] not in "]}":
            end += 1
        if end >= len(self.text):
            raise QueryError("unterminated range in query %r" % self.text)
        parts = self.text[self.pos:end].split()
        high_inclusive = self.text[end] == "]"
        self.pos = end + 1
        if len(parts) != 3 or parts[1] != "TO":
            raise QueryError("bad range in query %r" % self.text)
        return Range(field, parts[0].strip('"'), parts[2].strip('"'), low_inclusive,
                     high_inclusive)


def parse_query(text, default_and):
    text = (text or "").strip()
    if not text:
        return MatchAll()
    return Parser(text, default_and).parse()


# --------------------------------------------------------------------------- cores


class Core:
    def __init__(self, name, schema_name):
        self.name = name
        self.schema_name = schema_name
        self.lock = threading.Lock()
        self.docs = {}  # unique key -> document (insertion order = index order)

    def add(self, doc):
        if not isinstance(doc, dict):
            raise QueryError("a document must be a JSON object")
        key = doc.get("index_id", doc.get("id"))
        if key is None:
            raise QueryError("Document is missing mandatory uniqueKey field: index_id")
        with self.lock:
            self.docs.pop(str(key), None)
            self.docs[str(key)] = doc

    def delete_id(self, key):
        with self.lock:
            self.docs.pop(str(key), None)

    def delete_query(self, text):
        query = parse_query(text, default_and=False)
        with self.lock:
            for key in [k for k, d in self.docs.items() if query.matches(d)]:
                del self.docs[key]

    def snapshot(self):
        with self.lock:
            return list(self.docs.values())


def sort_documents(docs, sort):
    specs = []
    for part in (sort or "").split(","):
        part = part.strip()
        if not part:
            continue
        bits = part.split()
        if len(bits) != 2 or bits[1].lower() not in ("asc", "desc"):
            raise QueryError("Can't determine a Sort Order (asc or desc) in sort spec '%s'"
                             % part)
        if bits[0] == "score":
            continue
        specs.append((bits[0], bits[1].lower() == "desc"))
    if not specs:
        return docs

    def compare(a, b):
        for field, descending in specs:
            va, vb = field_values(a, field), field_values(b, field)
            if not va and not vb:
                continue
            if not va:
                return 1  # missing values sort last either way
            if not vb:
                return -1
            ka, kb = comparable(va[0]), comparable(vb[0])
            if ka[0] != kb[0]:
                ka, kb = (2, va[0]), (2, vb[0])
            if ka == kb:
                continue
            result = -1 if ka < kb else 1
            return -result if descending else result
        return 0

    return sorted(docs, key=functools.cmp_to_key(compare))


def facet_counts(params, matched, everything):
    fields = params.get("facet.field", [])
    out = {}
    for field in fields:
        def per_field(name, default):
            values = params.get("f.%s.%s" % (field, name)) or params.get(name)
            return values[-1] if values else default
        limit = int(per_field("facet.limit", "100"))
        mincount = int(per_field("facet.mincount", "0"))
        order = per_field("facet.sort", "count" if limit > 0 else "index")
        counts = {}
        if mincount <= 0:
            for doc in everything:
                for v in set(field_values(doc, field)):
                    counts.setdefault(v, 0)
        for doc in matched:
            for v in set(field_values(doc, field)):
                counts[v] = counts.get(v, 0) + 1
        items = [(v, n) for v, n in counts.items() if n >= mincount]
        if order == "index":
            items.sort(key=lambda item: item[0])
        else:
            items.sort(key=lambda item: (-item[1], item[0]))
        if limit >= 0:
            items = items[:limit]
        flat = []
        for v, n in items:
            flat.extend([v, n])
        out[field] = flat
    return out


def select(core, params):
    started = time.time()

    def one(name, default):
        values = params.get(name)
        return values[-1] if values else default

    default_and = one("q.op", "OR").upper() == "AND"
    query = parse_query(one("q", "*:*"), default_and)
    filters = [parse_query(fq, default_and) for fq in params.get("fq", []) if fq.strip()]
    everything = core.snapshot()
    matched = [d for d in everything
               if query.matches(d) and all(f.matches(d) for f in filters)]
    matched = sort_documents(matched, one("sort", ""))
    try:
        start = int(one("start", "0"))
        rows = int(one("rows", "10"))
    except ValueError as e:
        raise QueryError(str(e))
    page = matched[start:start + rows] if rows >= 0 else matched[start:]

    wanted = [f for f in re.split(r"[\s,]+", one("fl", "*")) if f]
    docs = []
    for doc in page:
        if "*" in wanted:
            shown = dict(doc)
        else:
            shown = {f: doc[f] for f in wanted if f in doc}
        if "score" in wanted:
            shown["score"] = 1.0
        docs.append(shown)

    body = {
        "responseHeader": {
            "status": 0,
            "QTime": int((time.time() - started) * 1000),
            "params": {k: (v[0] if len(v) == 1 else v) for k, v in params.items()},
        },
        "response": {"numFound": len(matched), "start": start, "numFoundExact": True,
                     "docs": docs},
    }
    if one("facet", "false").lower() == "true":
        body["facet_counts"] = {
            "facet_queries": {},
            "facet_fields": facet_counts(params, matched, everything),
            "facet_ranges": {}, "facet_intervals": {}, "facet_heatmaps": {},
        }
    return body


def update(core, body, content_type):
    text = body.decode("utf-8")
    stripped = text.lstrip()
    if not stripped:
        return
    if "json" in content_type or stripped[:1] in "[{":
        data = json.loads(text)
        if isinstance(data, list):
            for doc in data:
                core.add(doc)
            return
        if not isinstance(data, dict):
            raise QueryError("unexpected JSON update body")
        if not ({"add", "delete", "commit", "optimize"} & set(data)):
            core.add(data)  # a single bare document
            return
        adds = data.get("add", [])
        for add in adds if isinstance(adds, list) else [adds]:
            core.add(add.get("doc", add) if isinstance(add, dict) else add)
        deletes = data.get("delete", [])
        for item in deletes if isinstance(deletes, list) else [deletes]:
            if isinstance(item, dict) and "query" in item:
                core.delete_query(item["query"])
            elif isinstance(item, dict) and "id" in item:
                core.delete_id(item["id"])
            else:
                core.delete_id(item)
        return
    root = ET.fromstring(text)
    elements = list(root) if root.tag == "update" else [root]
    for element in elements:
        if element.tag == "add":
            for doc in element.findall("doc"):
                fields = {}
                for field in doc.findall("field"):
                    name = field.get("name")
                    value = field.text or ""
                    if name in fields:
                        if not isinstance(fields[name], list):
                            fields[name] = [fields[name]]
                        fields[name].append(value)
                    else:
                        fields[name] = value
                core.add(fields)
        elif element.tag == "delete":
            for child in element:
                if child.tag == "id":
                    core.delete_id((child.text or "").strip())
                elif child.tag == "query":
                    core.delete_query(child.text or "")
        elif element.tag in ("commit", "optimize", "rollback"):
            pass  # documents are visible at once; nothing to flush
        else:
            raise QueryError("unknown update command <%s>" % element.tag)


# --------------------------------------------------------------------------- HTTP


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "solr-standin/1"
    cores = {}
    schema_name = "ckan-2.11"
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("%s %s\n" % (time.strftime("%H:%M:%S"), fmt % args))

    def send(self, status, body, content_type="application/json; charset=utf-8"):
        if not isinstance(body, bytes):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, message):
        self.send(status, {"responseHeader": {"status": status, "QTime": 0},
                           "error": {"msg": message, "code": status}})

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        self.handle_request(b"")

    def do_POST(self):
        self.handle_request(self.read_body())

    def handle_request(self, body):
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        content_type = self.headers.get("Content-Type", "")
        if body and "application/x-www-form-urlencoded" in content_type:
            for key, values in parse_qs(body.decode("utf-8"), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
            body = b""
        parts = [p for p in url.path.split("/") if p]
        if parts == ["standin"]:
            self.send(200, {"standin": True, "schema": self.schema_name,
                            "cores": {n: len(c.docs) for n, c in self.cores.items()},
                            "schemas": {n: c.schema_name for n, c in self.cores.items()}})
            return
        if len(parts) < 3 or parts[0] != "solr":
            self.error(404, "no such path: %s" % url.path)
            return
        core = self.cores.get(parts[1])
        if core is None:
            self.error(404, "no such core: %s" % parts[1])
            return
        action = "/".join(parts[2:])
        try:
            if action == "select":
                self.send(200, select(core, params))
            elif action == "update":
                update(core, body, content_type)
                self.send(200, {"responseHeader": {"status": 0, "QTime": 0}})
            elif action == "schema" or (action == "admin/file"
                                        and params.get("file") == ["schema.xml"]):
                if action == "schema" and params.get("wt", ["json"])[-1] != "schema.xml":
                    self.send(200, {"responseHeader": {"status": 0, "QTime": 0},
                                    "schema": {"name": core.schema_name, "version": 1.6}})
                else:
                    xml = '<?xml version="1.0" encoding="UTF-8"?>\n' \
                          '<schema name="%s" version="1.6"/>\n' % core.schema_name
                    self.send(200, xml.encode(), "application/xml; charset=utf-8")
            elif action == "admin/ping":
                self.send(200, {"responseHeader": {"status": 0, "QTime": 0},
                                "status": "OK", "standin": True})
            else:
                self.error(404, "the stand-in does not serve %s" % action)
        except (QueryError, ValueError, ET.ParseError) as e:
            self.error(400, str(e))
        except Exception as e:  # keep serving; tell the caller what broke
            self.error(500, "%s: %s" % (type(e).__name__, e))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8983)
    parser.add_argument("--core", action="append", default=[], metavar="NAME[:SCHEMA_NAME]",
                        help="a core to serve (repeatable), with the name attribute of the "
                             "schema it answers (default: --schema-name); default core ckan")
    parser.add_argument("--schema-name", default="ckan-2.11",
                        help="the name attribute of the schema CKAN checks at startup, for "
                             "the cores given without one")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args()
    Handler.cores = {}
    for spec in args.core or ["ckan"]:
        name, _, schema_name = spec.partition(":")
        if not name or name in Handler.cores:
            parser.error("bad or repeated --core %r" % spec)
        Handler.cores[name] = Core(name, schema_name or args.schema_name)
    Handler.schema_name = args.schema_name
    Handler.verbose = args.verbose
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    sys.stderr.write("solr stand-in on http://%s:%d/solr/{%s}\n"
                     % (args.host, args.port, ",".join(Handler.cores)))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
