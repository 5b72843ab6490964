#!/usr/bin/env python3
"""Builds the saved inputs of the Jazzer fuzz targets (src/test/resources/.../<Class>Inputs/<method>/).

Hand-written seeds, plus corpus files whose licence allows copying (MIT, Apache-2.0, BSD), each
named after its source in PROVENANCE.md beside the inputs. Run from mtasts-reliability/ with the
shared directory as argument:  python3 src/test/seeds/make_seeds.py ../../shared
Crash inputs found by fuzzing are kept as files named crash-* or regression-* and are never
touched by this script.
"""
import gzip, io, json, os, sys, zipfile

shared = sys.argv[1] if len(sys.argv) > 1 else '../../shared'
corpus = os.path.join(shared, 'corpus')
res = 'src/test/resources'
ALLOWED = ('mox', 'parsedmarc', 'stalwart', 'isseis', 'cry-inc', 'danmarg', 'robalexdev', 'snawoot',
           'checkdmarc', 'chasquid', 'foxcpp', 'emersion', 'mailpiece')
ALLOWED_LICENCES = ('MIT', 'Apache-2.0', 'Apache-2.0 OR MIT')
provenance = []


def target(pkg, cls, method):
    d = os.path.join(res, pkg.replace('.', '/'), cls + 'Inputs', method)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.startswith('seed-'):
            os.remove(os.path.join(d, f))
    return d


def put(d, name, data, source=None):
    if isinstance(data, str):
        data = data.encode('utf-8')
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(data)
    if source:
        provenance.append((os.path.relpath(os.path.join(d, 'seed-' + name), res), source))


def corpus_files(sub):
    base = os.path.join(corpus, sub)
    for f in sorted(os.listdir(base)):
        p = os.path.join(base, f)
        if os.path.isfile(p) and f.split('__')[0] in ALLOWED:
            yield f, open(p, 'rb').read()


FUZZ = 'org.mtasts.reliability.fuzz'
records = [json.loads(l) for l in open(os.path.join(corpus, 'records/records.jsonl'))]

# STS records (RFC 8461 §3.1)
d = target(FUZZ, 'StsRecordFuzzTest', 'stsRecord')
for i, s in enumerate(['v=STSv1; id=20160831085700Z;', 'v=STSv1;id=1', 'v=STSv1; id=abc; ext-1=value; x.y=z',
                       'v=STSv1; id=1;;', 'v=STSv1  ;    id=foo', 'id=1; v=STSv1;', 'v=STSv10; id=1',
                       'v=STSv1; id=123456789012345678901234567890123', 'v=STSv1; id=1\0v=STSv1; id=2',
                       'v=STSv1; id=1\0v=spf1 -all', 'v=STSv1; id=\u00e9']):
    put(d, 'own-%02d' % i, s)
for i, r in enumerate(x for x in records if x['kind'] == 'sts' and x['licence'] in ALLOWED_LICENCES):
    put(d, 'corpus-%03d' % i, __import__('base64').b64decode(r['record_base64']),
        '%s@%s:%s (%s)' % (r['repo'] or r['url'], (r['commit'] or '')[:12], r['path'] or '', r['licence']))

# TLSRPT records (RFC 8460 §3)
d = target(FUZZ, 'TlsRptRecordFuzzTest', 'tlsRptRecord')
for i, s in enumerate(['v=TLSRPTv1; rua=mailto:reports@example.com', 'v=TLSRPTv1;rua=https://r.example/v1,mailto:a@b.example',
                       'v=TLSRPTv1; rua=mailto:a%2Cb@example.com!10m', 'v=TLSRPTv1; rua=mailto:x@y.example; ext=1',
                       'v=TLSRPTv1; rua=https://[::1]:8443/x', 'v=TLSRPTv1; rua=mailto:', 'v=TLSRPTv1; rua=,, ,',
                       'v=TLSRPTv1; rua=http://bad/%', 'v=TLSRPTv1 ;rua=mailto:a@b.example\0v=TLSRPTv1; rua=mailto:c@d.example']):
    put(d, 'own-%02d' % i, s)
for i, r in enumerate(x for x in records if x['kind'] == 'tlsrpt' and x['licence'] in ALLOWED_LICENCES):
    put(d, 'corpus-%03d' % i, __import__('base64').b64decode(r['record_base64']),
        '%s@%s:%s (%s)' % (r['repo'] or r['url'], (r['commit'] or '')[:12], r['path'] or '', r['licence']))

# Policies (RFC 8461 §3.2)
d = target(FUZZ, 'PolicyFuzzTest', 'policy')
own = ['version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 604800\n',
       'version: STSv1\r\nmode: testing\r\nmx: mx.example.org\r\nmax_age: 86400',
       'version: STSv1\nmode: none\nmax_age: 0\n', '\ufeffversion: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n',
       'version: STSv1\n\nmode: enforce\n  mx: a.example\nmax_age: 31557601\nx-ext: v\u00e9:1\n',
       'version: STSv1\nmode: enforce\nmx: xn--mnchen-3ya.example\nmax_age: 99999999999\n',
       'version: STSv1\nmode: enforce\nmx: a.example\nmx: a.example\nmode: testing\nmax_age: 5\n']
for i, s in enumerate(own):
    put(d, 'own-%02d' % i, s)
put(d, 'own-latin1', b'version: STSv1\nmode: enforce\nmx: \xe9.example\nmax_age: 5\n')
for sub in ('policies/valid', 'policies/invalid', 'policies/disputed'):
    for f, data in corpus_files(sub):
        put(d, 'corpus-' + f, data, sub + '/' + f + ' (see corpus/PROVENANCE.md)')

# Names and MX patterns (RFC 8461 §4.1)
d = target(FUZZ, 'NamesFuzzTest', 'names')
for i, s in enumerate(['*.example.com\0mx1.example.com', 'example.com\0EXAMPLE.com.', '*.*.example\0a.b.example',
                       'xn--mnchen-3ya.example\0m\u00fcnchen.example', '*.com\0foo.com', 'a..b\0-a.example',
                       'mx.example.com\0' + 'a' * 64 + '.example', '\0' + ('a.' * 130) + 'example']):
    put(d, 'own-%02d' % i, s)

# Reports (RFC 8460 §4): JSON, compressed, e-mail
rfc = '''{
  "organization-name": "Company-X",
  "date-range": {"start-datetime": "2016-04-01T00:00:00Z", "end-datetime": "2016-04-01T23:59:59Z"},
  "contact-info": "sts-reporting@company-x.example",
  "report-id": "5065427c-23d3-47ca-b6e0-946ea0e8c4be",
  "policies": [{
    "policy": {"policy-type": "sts",
      "policy-string": ["version: STSv1", "mode: testing", "mx: *.mail.company-y.example", "max_age: 86400"],
      "policy-domain": "company-y.example", "mx-host": ["*.mail.company-y.example"]},
    "summary": {"total-successful-session-count": 5326, "total-failure-session-count": 303},
    "failure-details": [{"result-type": "certificate-expired", "sending-mta-ip": "2001:db8:abcd:0012::1",
        "receiving-mx-hostname": "mx1.mail.company-y.example", "failed-session-count": 100},
      {"result-type": "starttls-not-supported", "sending-mta-ip": "2001:db8:abcd:0013::1",
        "receiving-mx-hostname": "mx2.mail.company-y.example", "receiving-ip": "203.0.113.56",
        "failed-session-count": 200, "additional-information": "https://reports.company-x.example/report_info?id=5065427c-23d3#StarttlsNotSupported"},
      {"result-type": "validation-failure", "sending-mta-ip": "198.51.100.62", "receiving-ip": "203.0.113.58",
        "receiving-mx-hostname": "mx-backup.mail.company-y.example", "failed-session-count": 3,
        "failure-reason-code": "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED"}]
  }]
}'''
jsons = [('own-rfc8460', rfc.encode()),
         ('own-no-zone', rfc.replace('T00:00:00Z', 'T00:00:00').encode()),
         ('own-mx-string', rfc.replace('"mx-host": ["*.mail.company-y.example"]', '"mx-host": "*.mail.company-y.example"').encode()),
         ('own-no-policy', b'{"organization-name":"x","date-range":{"start-datetime":"2020-01-01T00:00:00Z","end-datetime":"2020-01-01T23:59:59Z"},"contact-info":"a@b.example","report-id":"1","policies":[{"policy":{"policy-type":"no-policy-found","policy-domain":"b.example"},"summary":{"total-successful-session-count":1,"total-failure-session-count":0}}]}')]
for f, data in corpus_files('reports'):
    if f.endswith('.gz'):
        jsons.append(('corpus-' + f[:-3], gzip.decompress(data)))
    else:
        jsons.append(('corpus-' + f, data))
d = target(FUZZ, 'ReportJsonFuzzTest', 'reportJson')
for name, data in jsons:
    put(d, name, data, ('reports/' + name[7:] + ' (see corpus/PROVENANCE.md)') if name.startswith('corpus-') else None)
d = target(FUZZ, 'ReportCompressedFuzzTest', 'reportCompressed')
for name, data in jsons[:3]:
    put(d, 'gzip-' + name, b'\0' + data)
    put(d, 'zip-' + name, b'\1' + data)
for f, data in corpus_files('reports'):
    if f.endswith('.gz'):
        put(d, 'raw-' + f, b'\2' + data[3:], 'reports/' + f + ' (see corpus/PROVENANCE.md)')
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w') as z:
    z.writestr('report.json', rfc)
put(d, 'raw-zip-own', b'\3' + buf.getvalue()[4:])
d = target(FUZZ, 'ReportMessageFuzzTest', 'reportMessage')
msg = ('From: tlsrpt@mail.sender.example\r\nDate: Fri, May 09 2017 16:54:30 -0800\r\nSubject: Report Domain: receiver.example\r\n'
       ' Submitter: mail.sender.example Report-ID: <735ff.e317+bf22029@mailexch.sender.example>\r\n'
       'TLS-Report-Domain: receiver.example\r\nTLS-Report-Submitter: mail.sender.example\r\nMIME-Version: 1.0\r\n'
       'Content-Type: multipart/report; report-type="tlsrpt"; boundary="----=_NextPart_000_024E_01CC9B0A.AFE54C00"\r\n'
       'Content-Language: en-us\r\n\r\nThis is a multipart message in MIME format.\r\n\r\n'
       '------=_NextPart_000_024E_01CC9B0A.AFE54C00\r\nContent-Type: text/plain; charset="us-ascii"\r\n'
       'Content-Transfer-Encoding: 7bit\r\n\r\nThis is an aggregate TLS report from mail.sender.example\r\n\r\n'
       '------=_NextPart_000_024E_01CC9B0A.AFE54C00\r\nContent-Type: application/tlsrpt+gzip\r\n'
       'Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment;\r\n'
       '  filename="mail.sender.example!receiver.example!1013662812!1013749130.json.gz"\r\n\r\n')
import base64
msg += base64.encodebytes(gzip.compress(rfc.replace('company-y.example', 'receiver.example').encode())).decode().replace('\n', '\r\n')
msg += '\r\n------=_NextPart_000_024E_01CC9B0A.AFE54C00--\r\n'
put(d, 'own-rfc8460-5.3.1', msg)
put(d, 'own-single-part', 'From: a@b.example\r\nContent-Type: application/tlsrpt+json\r\n\r\n' + rfc)
for f, data in corpus_files('messages'):
    put(d, 'corpus-' + f, data, 'messages/' + f + ' (see corpus/PROVENANCE.md)')

# The file store's format and Content-Type headers (org.mtasts.http)
d = target('org.mtasts.http', 'PolicyStoreFileFuzzTest', 'policyStoreFile')
text = b'version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n'
head = ('mtasts-policy-store 1\ndomain example.com\nrecord-id 20261128T000000Z\nfetched-at 2026-11-28T00:00:00Z\n'
        'expires-at 2026-11-29T00:00:00Z\ntext-bytes %d\n\n' % len(text)).encode() + text + b'\n'
import zlib
def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF
put(d, 'own-valid', head + ('crc32c %08x\n' % crc32c(head)).encode())
put(d, 'own-bad-crc', head + b'crc32c 00000000\n')
put(d, 'own-truncated', head[:100])
for i, ct in enumerate(['text/plain', 'text/plain; charset=utf-8', 'TEXT/PLAIN ; charset="ISO-8859-1"', 'text/html',
                        'text/plain; charset=', 'text/plain;;charset="a\\"b"', '']):
    put(d, 'content-type-%d' % i, 'C' + ct)

# SMTP replies (org.mtasts.cli)
d = target('org.mtasts.cli', 'SmtpReplyFuzzTest', 'smtpReply')
for i, s in enumerate(['220 mx.example.com ESMTP\r\n250-mx.example.com\r\n250-PIPELINING\r\n250 STARTTLS\r\n220 ready\r\n',
                       '220-a\r\n220-b\r\n220 c\r\n', '554 no\r\n', '22', 'hello\r\n', '250-' + 'x' * 5000 + '\r\n',
                       '220 \x1b[31mred\r\n', ''.join('250-l%d\r\n' % n for n in range(120))]):
    put(d, 'own-%02d' % i, s)

with open(os.path.join(res, 'PROVENANCE-fuzz-inputs.md'), 'w') as f:
    f.write('# Provenance of the fuzz inputs\n\n'
            'Files named `seed-own-*` and the other seeds not listed here were written for this project. '
            'The files below are byte-exact copies from `shared/corpus` (see its PROVENANCE.md for the commit and the '
            'original path), all under MIT, Apache-2.0 or "Apache-2.0 OR MIT"; `seed-raw-*` drop the first three bytes '
            'of the gzip file and put a target selector byte in front. Inputs named `crash-*` or `regression-*` were '
            'found by fuzzing.\n\n| input | source |\n|---|---|\n')
    for path, source in provenance:
        f.write('| `%s` | %s |\n' % (path, source))
