#!/bin/sh
# ingest_hostile.sh - `ingest --wait --json` of one batch mixing good files
# with hostile ones (damaged and fake PDFs and images, an empty file, image
# headers claiming 100000 x 100000 pixels, a zip bomb, 20,000 entries, path
# traversal, links and devices in zip and tar, archives nested too deep,
# URLs to 127.0.0.1 directly and by redirect). Each bad input must end
# failed (or not indexed) with a message that says why, the good ones must
# be done and searchable, nothing may be written outside the data dir (nor
# left in its tmp/), fsck must be clean, and the server must stay up while
# its own workers go through the same batch. Every fixture is made here by
# python3.
. "$TESTLIB"

IN="$TMP/in"
OUTSIDE="$TMP/outside"       # archive members aim here: it must stay empty
CWD="$TMP/cwd/a/b"           # the ingest runs here: "../../x" is $TMP/cwd/x
mkdir -p "$IN" "$OUTSIDE" "$CWD"

sql() { sqlite3 -bail "$DATA/foivault.db" "$@"; }

# ---- fixtures ----------------------------------------------------------------
cat >"$TMP/gen.py" <<'EOF'
import io, os, stat, struct, sys, tarfile, zipfile, zlib
d, fixtures, outside = sys.argv[1:4]
def w(name, data):
    with open(os.path.join(d, name), 'wb') as f: f.write(data)
def good(word): return b'The ministry releases the minutes on cross-border data flows: %s\n' % word
pdf = open(os.path.join(fixtures, 'ocr', 'born-digital.pdf'), 'rb').read()
w('truncated.pdf', pdf[:len(pdf) // 2])
w('garbage.pdf', b'%PDF-1.7\n' + bytes((i * 97 + 13) % 251 for i in range(4096)))
w('zero-bytes.pdf', b'')
def mkpdf(pages_obj, page_obj, content=None):
    objs = [b'<< /Type /Catalog /Pages 2 0 R >>', pages_obj, page_obj]
    if content is not None:
        objs.append(b'<< /Length %d >>\nstream\n%s\nendstream' % (len(content), content))
    out, offs = b'%PDF-1.4\n', []
    for i, o in enumerate(objs):
        offs.append(len(out)); out += b'%d 0 obj\n%s\nendobj\n' % (i + 1, o)
    x = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1)
    out += b''.join(b'%010d 00000 n \n' % o for o in offs)
    return out + b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, x)
# A page of 200 x 200 inches with no text layer: too large to render.
w('giant-page.pdf', mkpdf(b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /Contents 4 0 R >>',
    b'0 0 m 14400 14400 l S'))
w('million-pages.pdf', mkpdf(b'<< /Type /Pages /Kids [3 0 R] /Count 1000000 >>',
    b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>'))
def chunk(t, b): return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b))
w('huge.png', b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 100000, 100000, 8, 0, 0, 0, 0))
  + chunk(b'IDAT', zlib.compress(bytes(1000))) + chunk(b'IEND', b''))
def tiff(width, height, data):
    tags = [(256, 4, width), (257, 4, height), (258, 3, 8), (259, 3, 1), (262, 3, 1),
            (273, 4, 8), (277, 3, 1), (278, 4, height), (279, 4, len(data))]
    out = b'II*\0' + struct.pack('<I', 8 + len(data)) + data + struct.pack('<H', len(tags))
    for tag, typ, val in tags:
        out += struct.pack('<HHI', tag, typ, 1) + struct.pack('<HH' if typ == 3 else '<I', *((val, 0) if typ == 3 else (val,)))
    return out + struct.pack('<I', 0)
w('huge.tif', tiff(100000, 100000, bytes(16)))
w('fake.tif', b'II*\0' + struct.pack('<I', 0x7ffffff0) + b'not a tiff at all ' * 20)
# 64 MiB of zeros deflate to 64 KiB: a ratio of 1000.
with zipfile.ZipFile(os.path.join(d, 'bomb.zip'), 'w', zipfile.ZIP_DEFLATED) as z:
    with z.open('zeros.txt', 'w', force_zip64=True) as m:
        for i in range(64): m.write(bytes(1 << 20))
with zipfile.ZipFile(os.path.join(d, 'many.zip'), 'w', zipfile.ZIP_STORED) as z:
    for i in range(20000): z.writestr('f%05d.txt' % i, b'x')
def zattr(name, mode):
    zi = zipfile.ZipInfo(name); zi.create_system = 3; zi.external_attr = mode << 16; return zi
with zipfile.ZipFile(os.path.join(d, 'traversal.zip'), 'w') as z:
    for n in ('../../escape-zip.txt', '../outside/escape-zip2.txt', outside + '/abs-zip.txt',
              'C:/win-zip.txt', '..\\..\\backslash-zip.txt'):
        z.writestr(n, b'escaped from the zip: ' + n.encode())
    z.writestr(zattr('link-zip', stat.S_IFLNK | 0o777), outside)
    z.writestr(zattr('dev-zip', stat.S_IFCHR | 0o666), b'')
    z.writestr('inside/zipgood.txt', good(b'zipmemberword'))
def tadd(t, name, data=b'', **kw):
    ti = tarfile.TarInfo(name); ti.size = len(data)
    for k, v in kw.items(): setattr(ti, k, v)
    t.addfile(ti, io.BytesIO(data) if data else None)
def hostile_tar(t):
    tadd(t, '../../escape-tar.txt', b'escaped from the tar')
    tadd(t, outside + '/abs-tar.txt', b'escaped from the tar, absolutely')
    tadd(t, 'link-tar', type=tarfile.SYMTYPE, linkname=outside)
    tadd(t, 'hard-tar', type=tarfile.LNKTYPE, linkname='/etc/passwd')
    tadd(t, 'dev-tar', type=tarfile.CHRTYPE, devmajor=1, devminor=3)
    tadd(t, 'blk-tar', type=tarfile.BLKTYPE, devmajor=8, devminor=0)
    tadd(t, 'fifo-tar', type=tarfile.FIFOTYPE)
with tarfile.open(os.path.join(d, 'traversal.tar.gz'), 'w:gz', format=tarfile.GNU_FORMAT) as t:
    hostile_tar(t)
    tadd(t, 'inside/targood.txt', good(b'tarmemberword'))
with tarfile.open(os.path.join(d, 'only-links.tar'), 'w', format=tarfile.GNU_FORMAT) as t:
    hostile_tar(t)
with tarfile.open(os.path.join(d, 'dirs-only.tar'), 'w') as t:
    tadd(t, 'folder/', type=tarfile.DIRTYPE)
zipfile.ZipFile(os.path.join(d, 'empty.zip'), 'w').close()
# nested.zip holds level1.zip ... level5.zip; each level has a note.
data = None
for lvl in range(5, -1, -1):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, 'w') as z:
        if data is None: z.writestr('deep.txt', good(b'nesteddeepword'))
        else: z.writestr('level%d.zip' % (lvl + 1), data)
        z.writestr('note%d.txt' % lvl, b'nested level %d: nestword%d\n' % (lvl, lvl))
    data = bio.getvalue()
w('nested.zip', data)
w('good.txt', good(b'hostilegoodword'))
w('after-giant.txt', good(b'aftergiantword'))
EOF
timeout 60 python3 "$TMP/gen.py" "$IN" "$FIXTURES" "$OUTSIDE"
ok $? "hostile fixtures generated"
cp "$FIXTURES/ocr/born-digital.pdf" "$IN/good.pdf"
cp "$FIXTURES/ocr/en-clean.png" "$IN/good.png"

# ---- the HTTP server: A is allowlisted, B is not ------------------------------
cat >"$TMP/srv.py" <<'EOF'
import http.server, signal, sys, threading, urllib.parse
signal.alarm(90)  # stops by itself, whatever happens to the test
hits = open(sys.argv[1], 'a')
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def log_message(self, *a): pass
    def send(self, code, body=b'', headers=()):
        self.send_response(code)
        for k, v in headers: self.send_header(k, v)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        hits.write('%d %s\n' % (self.server.server_address[1], self.path)); hits.flush()
        if self.path.startswith('/redirect?to='):
            self.send(302, b'', [('Location', urllib.parse.unquote(self.path[13:]))])
        elif self.path == '/release.txt':
            self.send(200, b'Released over HTTP: fetchedword\n', [('Content-Type', 'text/plain')])
        elif self.path == '/secret.txt':
            self.send(200, b'an internal page: secretword\n', [('Content-Type', 'text/plain')])
        else:
            self.send(404, b'not here\n')
servers = [http.server.ThreadingHTTPServer(('127.0.0.1', 0), H) for i in range(2)]
for s in servers:
    s.daemon_threads = True
    threading.Thread(target=s.serve_forever, daemon=True).start()
print(' '.join(str(s.server_address[1]) for s in servers), flush=True)
signal.pause()
EOF
: >"$TMP/hits"
timeout 100 python3 "$TMP/srv.py" "$TMP/hits" >"$TMP/ports" 2>"$TMP/srv.err" &
PY_PID=$!
trap 'kill $PY_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 100); do
	[ -s "$TMP/ports" ] && break
	sleep 0.05
done
read -r A B <"$TMP/ports"
like "$A $B" '^[0-9]+ [0-9]+$' "the test HTTP server listens on two ports"

fv init --quiet
# One worker, so that documents are processed in order by the same process:
# what one hostile file leaves behind would show on the next.
printf '\n[worker]\ncount = 1\n\n[fetch]\nallow = 127.0.0.1:%s\n' "$A" >>"$DATA/foivault.conf"

# ---- one batch ------------------------------------------------------------------
set -- "$IN/truncated.pdf" "$IN/garbage.pdf" "$IN/zero-bytes.pdf" \
	"$IN/giant-page.pdf" "$IN/after-giant.txt" "$IN/million-pages.pdf" \
	"$IN/huge.png" "$IN/good.png" "$IN/huge.tif" "$IN/fake.tif" \
	"$IN/bomb.zip" "$IN/many.zip" "$IN/traversal.zip" \
	"$IN/traversal.tar.gz" "$IN/only-links.tar" "$IN/dirs-only.tar" \
	"$IN/empty.zip" \
	"$IN/nested.zip" "$IN/good.txt" "$IN/good.pdf" \
	"http://127.0.0.1:$B/secret.txt" \
	"http://127.0.0.1:$A/redirect?to=http%3A%2F%2F127.0.0.1%3A$B%2Fsecret.txt" \
	"http://localhost:$B/secret.txt" \
	"http://127.0.0.1:$A/release.txt"
NIN=$#
(cd "$CWD" && timeout 120 "$FOIVAULT" --data "$DATA" ingest --wait --json "$@" \
	>"$TMP/out.json" 2>"$TMP/err")
is $? 1 "ingest --wait of a batch with failures exits 1"
# results.py OUT.json RES.tsv INPUT...: writes one line per object,
# INPUT<TAB>ID<TAB>STATUS<TAB>ERROR, and prints the shape: the count, whether
# the inputs are in order, the distinct ids, whether all ids are numbers.
cat >"$TMP/results.py" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
with open(sys.argv[2], 'w') as f:
    for o in j:
        f.write('%s\t%s\t%s\t%s\n' % (o['input'], o['id'], o['status'], o.get('error', '')))
print(len(j), [o['input'] for o in j] == sys.argv[3:],
      len(set(o['id'] for o in j)), all(type(o['id']) is int for o in j))
EOF
is "$(timeout 60 python3 "$TMP/results.py" "$TMP/out.json" "$TMP/res.tsv" "$@")" "$NIN True $NIN True" \
	"--json: one object per input, in input order, each stored with its own id"
st() { awk -F '\t' -v f="$1" '$1 == f { print $3 "|" $4 }' "$TMP/res.tsv"; }
id() { awk -F '\t' -v f="$1" '$1 == f { print $2 }' "$TMP/res.tsv"; }
note() { sql "SELECT coalesce(error, '(none)') FROM documents WHERE id = $1"; }

like "$(st "$IN/truncated.pdf")" '^failed\|the PDF is truncated .*incomplete download$' \
	"a truncated PDF fails: truncated, maybe an incomplete download"
like "$(st "$IN/garbage.pdf")" '^failed\|not a readable PDF' "a garbage PDF fails: not a readable PDF"
like "$(st "$IN/zero-bytes.pdf")" '^failed\|the file is empty \(0 bytes\)' "a zero-byte file fails: empty"
like "$(st "$IN/giant-page.pdf")" \
	'^failed\|page 1: page 1 is too large to render \(200 x 200 inches' \
	"a PDF whose only page cannot be rendered fails, saying why"
like "$(st "$IN/million-pages.pdf")" '^failed\|the PDF has 1000000 pages, more than the limit of 5000$' \
	"a PDF claiming a million pages fails before reading any"
like "$(st "$IN/huge.png")" '^failed\|the image is 100000 x 100000 pixels, larger than the limit' \
	"a PNG claiming 100000 x 100000 pixels fails before decoding"
like "$(st "$IN/huge.tif")" '^failed\|the image is 100000 x 100000 pixels, larger than the limit' \
	"a TIFF claiming 100000 x 100000 pixels too"
like "$(st "$IN/fake.tif")" '^failed\|the TIFF image is damaged' "a fake TIFF fails: damaged"
like "$(st "$IN/bomb.zip")" '^failed\|the archive expands more than 100 times .*compression bomb$' \
	"a zip bomb is refused as a compression bomb"
like "$(st "$IN/many.zip")" '^failed\|the archive has more than the limit of 10000 entries$' \
	"an archive of 20,000 entries is refused"
like "$(st "$IN/only-links.tar")" "^failed\|no member could be extracted \(archive: 0 members expanded, 7 skipped: '../../escape-tar.txt' \(its path contains '..'\)" \
	"a tar of nothing but links, devices and traversal fails, each member named"
is "$(st "$IN/empty.zip")" "failed|not indexed: the archive holds no files" "an empty zip: not indexed"
is "$(st "$IN/dirs-only.tar")" "failed|not indexed: the archive holds no files" \
	"a tar of folders only: not indexed"
like "$(st "$IN/nested.zip")" '^failed\|1 of the 8 documents expanded from it failed or were not indexed$' \
	"archives nested 5 deep: the outermost reports the one that failed"
like "$(st "http://127.0.0.1:$B/secret.txt")" \
	"^failed\|refused to connect to 127.0.0.1 \(for http://127.0.0.1:$B/secret.txt\): a loopback address; .*\[fetch\] allow" \
	"a URL to 127.0.0.1 is refused, saying how an admin allows it"
like "$(st "http://127.0.0.1:$A/redirect?to=http%3A%2F%2F127.0.0.1%3A$B%2Fsecret.txt")" \
	"^failed\|refused to connect to 127.0.0.1 \(for http://127.0.0.1:$B/secret.txt, where http://127.0.0.1:$A/redirect.* redirected\): a loopback address" \
	"a redirect from an allowed server to 127.0.0.1 is refused, naming both URLs"
like "$(st "http://localhost:$B/secret.txt")" '^failed\|refused to connect to (127.0.0.1|::1) .*loopback' \
	"a name that resolves to loopback is refused"
is "$(grep -c " /secret.txt" "$TMP/hits")" 0 "the refused server never got a request"

for f in "$IN/after-giant.txt" "$IN/good.png" "$IN/traversal.zip" "$IN/traversal.tar.gz" \
	"$IN/good.txt" "$IN/good.pdf" "http://127.0.0.1:$A/release.txt"; do
	is "$(st "$f")" "done|" "done: ${f#"$IN"/}"
done
like "$(fv doc text "$(id "$IN/good.txt")")" 'hostilegoodword' "the good text file is searchable text"
like "$(fv doc text "$(id "$IN/good.pdf")")" 'under the Freedom of Information Act' "the good PDF's text"
like "$(fv doc text "$(id "$IN/good.png")")" 'Request for access to documents' \
	"the good PNG right after the huge one is OCR'd"
like "$(fv doc text "$(id "http://127.0.0.1:$A/release.txt")")" 'fetchedword' \
	"the URL of the allowlisted server is fetched"
AG=$(id "$IN/after-giant.txt")
like "$(fv doc text "$AG")" 'aftergiantword' "the text file after the giant page is read"
is "$(note "$AG")" "(none)" \
	"and carries no note of the giant page's failure (page failures are per document)"

TZ=$(id "$IN/traversal.zip")
TT=$(id "$IN/traversal.tar.gz")
n=$(note "$TZ")
like "$n" "^archive: 1 member expanded, 7 skipped: " "traversal.zip: one member in, seven refused"
for want in "'../../escape-zip.txt' (its path contains '..')" \
	"'../outside/escape-zip2.txt' (its path contains '..')" \
	"'$OUTSIDE/abs-zip.txt' (its path is absolute)" \
	"'C:/win-zip.txt' (its path is absolute (it starts with a drive letter))" \
	"'link-zip' (it is a symbolic link)" "'dev-zip' (it is a device)"; do
	case "$n" in *"$want"*) r=0 ;; *) r=1; echo "#   note: $n" ;; esac
	ok $r "zip note names $want"
done
n=$(note "$TT")
like "$n" "^archive: 1 member expanded, 7 skipped: " "traversal.tar.gz: one member in, seven refused"
for want in "'../../escape-tar.txt' (its path contains '..')" \
	"'$OUTSIDE/abs-tar.txt' (its path is absolute)" "'link-tar' (it is a symbolic link)" \
	"'hard-tar' (it is a hard link)" "'dev-tar' (it is a device)" \
	"'blk-tar' (it is a device)" "'fifo-tar' (it is a FIFO)"; do
	case "$n" in *"$want"*) r=0 ;; *) r=1; echo "#   note: $n" ;; esac
	ok $r "tar note names $want"
done
is "$(sql "SELECT group_concat(title, ',') FROM (SELECT title FROM documents WHERE parent_id IN ($TZ, $TT) ORDER BY id)")" \
	"zipgood.txt,targood.txt" "only the good member of each became a document"
like "$(fv doc text "$(sql "SELECT id FROM documents WHERE title = 'zipgood.txt'")")" 'zipmemberword' \
	"and its text is there"
like "$(fv doc text "$(sql "SELECT id FROM documents WHERE title = 'targood.txt'")")" 'tarmemberword' \
	"for the tar too"

# The nesting: levels 0 to 3 expanded, level 4 refused, level 5 never seen.
is "$(sql "SELECT group_concat(title || ':' || status, ',') FROM (SELECT title, status FROM documents WHERE title LIKE 'level%' ORDER BY id)")" \
	"level1.zip:done,level2.zip:done,level3.zip:done,level4.zip:failed" \
	"nested archives are expanded down to the limit"
is "$(sql "SELECT error FROM documents WHERE title = 'level4.zip'")" \
	"archives nested more than 3 deep are not expanded" "the one past it says why"
is "$(sql "SELECT count(*) FROM documents WHERE title IN ('deep.txt', 'level5.zip')")" 0 \
	"and nothing below it was extracted"
like "$(fv doc text "$(sql "SELECT id FROM documents WHERE title = 'note3.txt'")")" 'nestword3' \
	"the deepest expanded level's own files are read"

# The full-text index: what was read is found, what was refused is not.
for w in hostilegoodword aftergiantword zipmemberword tarmemberword nestword3 fetchedword; do
	is "$(sql "SELECT count(*) FROM pages_fts WHERE pages_fts MATCH '$w'")" 1 "the index finds $w"
done
is "$(sql "SELECT count(*) FROM pages_fts WHERE pages_fts MATCH 'escaped OR secretword OR nesteddeepword'")" 0 \
	"and nothing of the refused members, the refused URL or the archive too deep"

# ---- nothing outside the vault ------------------------------------------------------
is "$(find "$OUTSIDE" "$TMP/cwd" -mindepth 1 ! -path "$TMP/cwd/a" ! -path "$CWD" | wc -l | tr -d ' ')" 0 \
	"nothing was written where the members point (absolute, ../, through links)"
is "$(find "$TMP" \( -name '*escape*' -o -name 'abs-*' -o -name 'win-zip*' -o -name '*backslash*' \) | wc -l | tr -d ' ')" 0 \
	"no file anywhere has the name of a refused member"
is "$(find "$DATA/tmp" -mindepth 1 | wc -l | tr -d ' ')" 0 "the data dir's tmp/ is empty"
is "$(find "$DATA" -type f ! -path "$DATA/vault/*" ! -path "$DATA/cache/pages/*.png" \
	! -name 'foivault.db*' ! -name foivault.conf | wc -l | tr -d ' ')" 0 \
	"the data dir holds only the database, the config, originals and page images"
is "$(find "$DATA" ! -type f ! -type d | wc -l | tr -d ' ')" 0 "and no link, device or FIFO"

fv fsck >"$TMP/fsck" 2>&1
is $? 0 "fsck is clean after the batch"
like "$(cat "$TMP/fsck")" ', 0 problems$' "fsck: 0 problems"
is "$(sql "SELECT count(*) FROM jobs WHERE state NOT IN ('done', 'failed')")" 0 "no job left queued or running"

# ---- the same through a running server ---------------------------------------------
# Failed documents sent again are tried again: the server's own workers go
# through every hostile file a second time, and it must stay up.
start_server
(cd "$CWD" && timeout 120 "$FOIVAULT" --data "$DATA" ingest --wait --json "$@" \
	>"$TMP/out2.json" 2>"$TMP/err2")
is $? 1 "again with the server running: exits 1"
timeout 60 python3 "$TMP/results.py" "$TMP/out2.json" "$TMP/res2.tsv" "$@" >/dev/null
# URLs are new documents each time (their bytes are not known beforehand).
is "$(cut -f 1,3,4 "$TMP/res2.tsv")" "$(cut -f 1,3,4 "$TMP/res.tsv")" \
	"the server's workers reach the same ends, with the same messages"
is "$(grep -v '^http' "$TMP/res2.tsv" | cut -f 1,2)" "$(grep -v '^http' "$TMP/res.tsv" | cut -f 1,2)" \
	"and the files keep their ids"
like "$(http GET /api/v1/health)" '^200 ' "the server is up: health 200"
kill -0 "$SERVER_PID" 2>/dev/null; ok $? "the server process is alive"
BOMB=$(id "$IN/bomb.zip")
r=$(http GET "/api/v1/documents/$BOMB")
like "$r" '^200 ' "GET a failed document: 200"
like "$r" '"status": ?"failed"' "with its status"
like "$r" 'refused as a compression bomb' "and its error"
like "$(http GET "/api/v1/documents/$(id "$IN/good.txt")/text")" '^200 .*hostilegoodword' \
	"GET a good document's text"
like "$(http GET "/api/v1/documents/$TT")" "^200 .*'fifo-tar' \(it is a FIFO\)" \
	"the API shows an archive's refused members"
stop_server
is "$SERVER_STATUS" 0 "and it stops cleanly"
fv fsck >/dev/null 2>&1
is $? 0 "fsck is still clean"

# The archive limits are settings: [archive] max_entries = 3 refuses a zip
# of five files that the default allows.
timeout 30 python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for i in range(5): z.writestr("note%d.txt" % i, "limitword%d\n" % i)' "$IN/five.zip"
printf '[archive]\nmax_entries = 3\n' >>"$DATA/foivault.conf"
fv ingest --wait --json "$IN/five.zip" >"$TMP/five.json" 2>/dev/null
is $? 1 "[archive] max_entries = 3: a zip of 5 files fails"
like "$(cat "$TMP/five.json")" 'more than the limit of 3 entries' "saying which limit"
done_testing
