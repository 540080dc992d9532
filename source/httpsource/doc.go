// Package httpsource is a source connector that polls an HTTP JSON API and
// writes what it returns to Kafka: the Go counterpart of castorm's
// kafka-connect-http (com.github.castorm.kafka.connect.http.HttpSourceConnector).
// It reads the same configuration files, under the same keys and defaults,
// and stores offsets in the same form, without the bugs listed at the end.
//
// # Polling
//
// A task sends the request that http.request.url, http.request.method,
// http.request.headers, http.request.params and http.request.body describe,
// at once when it starts and then every http.timer.interval.millis. Under the
// default AdaptableIntervalTimer it polls every
// http.timer.catchup.interval.millis instead while it is catching up: the
// offset's timestamp moved at the last poll and is more than an interval
// behind now. [Task.Poll] waits at most a second at a time, and Stop or the
// runtime's context ends the wait.
//
// The response is turned into records when its status is in
// http.response.policy.codes.process (200..299) and logged and skipped when it
// is in .codes.skip (300..399). The body is JSON; http.response.list.pointer
// points at the list of records ("/" is the whole body, an array gives its
// elements, null none, anything else one record), and within each element
// http.response.record.pointer at the record's value and
// http.response.record.offset.pointer at its offset properties:
//
//	http.response.list.pointer=/data/items
//	http.response.record.offset.pointer=key=/id, timestamp=/updated_at
//
// key is the record's key (without it, a name-based UUID of the value, as in
// castorm) and timestamp its timestamp, read as epoch milliseconds or with
// http.response.record.timestamp.parser.pattern (a java.time pattern) in
// http.response.record.timestamp.parser.zone. Records are sorted oldest first
// (http.response.list.order.direction) and those already seen are dropped
// (see Duplicates).
//
// # Records
//
// By default the records are castorm's, byte for byte through the same
// converters: http.response.record.mapper defaults to castorm's
// SchemedKvSourceRecordMapper. The key is a struct
// com.github.castorm.kafka.connect.http.Key with the field key; the value a
// struct com.github.castorm.kafka.connect.http.Value with the fields value
// (the record's JSON as text), key and timestamp (the record's timestamp in
// epoch milliseconds, or the time of the poll when it has none, as castorm
// sets it), under castorm's schema names and docs. The text is what
// castorm's Jackson writes: an object's fields in the API's order (a
// repeated field keeps its first place and its last value), integers exact,
// other numbers as Java doubles (1.10 becomes 1.1, 1e2 becomes 100.0),
// strings escaped as Jackson escapes them; a string, number, boolean or null
// record is its text. The records' Kafka timestamps are castorm's too.
// testdata/castorm holds records made by castorm's own code, which the tests
// compare with this connector's byte for byte.
//
// http.response.record.mapper=JsonRecordMapper writes the JSON value itself
// instead, without a schema (castorm sent an escaped string inside a struct,
// its issue 19): a [encoding/json.RawMessage] holding the record's text as
// the API sent it, white space between tokens removed, which the
// JsonConverter writes as it is (the StringConverter as text, the
// ByteArrayConverter as bytes), and the key as a string. A JSON null is a nil
// value, a Kafka null. StringKvSourceRecordMapper writes castorm's text and
// key as strings.
//
// Under every mapper, the records are not decoded: one pass over the body
// checks it and splits it into records, and only the values that the
// offset, key and timestamp pointers select are read; castorm's text is
// written from the record's own bytes.
//
// # Templates
//
// The URL, header values, parameters and body are Go templates
// ([text/template]) over the current offset, as castorm's were FreeMarker
// templates: {{.offset.key}}, and each offset property at the top level too
// ({{.timestamp}}) unless http.request.template.factory is
// FreeMarkerTemplateFactory; NoTemplateFactory turns templates off. A
// property the offset lacks is empty, rather than failing the task (castorm
// issue 33). The functions castorm's FreeMarker built-ins did the work of:
//
//	FreeMarker (castorm)                                Go template
//	${offset.key}                                       {{.offset.key}}
//	${timestamp}                                        {{.timestamp}}
//	${offset.key!"none"}                                {{default "none" .offset.key}}
//	${offset.timestamp?datetime.iso?long}               {{epochMillis .offset.timestamp}}
//	${offset.timestamp?datetime.iso?string['yyyy-MM']}  {{formatTime "yyyy-MM" .offset.timestamp}}
//
// The FreeMarker forms on the left are translated when they appear in a
// template, so castorm's files run unchanged; other FreeMarker expressions are
// a configuration error that names the key. formatTime takes a java.time
// pattern and prints in http.response.record.timestamp.parser.zone.
//
// Every value a template prints is escaped for where it lands, so that an
// offset (which comes from the API) cannot change the request's structure:
// in a URL path it is path-escaped, in the query and in parameters
// query-escaped, in a JSON body JSON-escaped (a string inside quotes, a JSON
// value outside them: numbers as they are, anything else quoted), in a form
// body form-encoded, and in a header CR and LF become spaces. Headers and
// parameters are split into pairs before templates run, unlike castorm, so
// a comma or ampersand in a value stays in the value. {{raw .offset.x}} opts
// out of escaping. The body is JSON when a literal Content-Type header says
// so or the body starts with { or [.
//
// # Offsets
//
// Each record's source offset is castorm's, plus connectkit.seen (see
// Duplicates): its offset properties as strings, key, and timestamp as an
// ISO-8601 instant, under the source partition {}
// (or {"url": template} with http.request.urls), so offsets stored by Kafka
// Connect for castorm's connector are picked up. When the runtime reports a
// record acknowledged by Kafka ([Task.CommitRecord]), requests start from its
// offset: castorm moved on only when the runtime committed offsets, once a
// minute by default, and fetched the same records until then (issue 263).
// Acknowledgements out of order do not move the offset past a record still
// in flight.
//
// # Duplicates
//
// A version of an entry is its key, its timestamp (both as in its offset)
// and its value's text as the API sent it, white space between tokens
// removed. A record is a duplicate, and dropped, when its version is among
// the last http.record.filter.seen.size versions (10,000 by default) the
// task produced. Those identities (128-bit hashes of the version) are
// stored with every record's source offset, in the property
// connectkit.seen, so they survive restarts along with the offset; castorm's
// connector ignores that property. So, whatever order the API returns its
// list in, an entry is produced again only when its version changed (its
// content or its timestamp), and then once, with the new content; an entry
// that changes back to a version still remembered is not produced again.
//
// Besides, castorm's ordering rules apply: under a timestamp pointer, an
// entry older than the offset's timestamp is old (requests from the
// templates, not the pages of a walk); OffsetTimestampRecordFilterFactory
// keeps only entries later than it. Until any version is known (a first
// start, or offsets stored by castorm or by earlier versions of this
// connector, which have no connectkit.seen), castorm's rule decides: the
// entries at or before the offset's record in the list are old (and noted
// as seen), those after it new, every entry when the record is not in the
// list.
//
// The limit: past http.record.filter.seen.size versions, the oldest are
// forgotten; an entry whose forgotten version the API returns again is
// produced again (unless its timestamp is older than the offset's). Set it
// above the number of entries the API returns across its list (all pages
// of a walk). Each identity takes 21.4 bytes of the stored offset (16 bytes
// in base64): about 214 KB at the default, written with each offset flush;
// keep it under about 45,000 for the offsets topic's default 1 MB message
// limit. 0 turns the check off, and with it the stored identities.
//
// # Delivery guarantees
//
// The HTTP source is at least once. What holds, exactly:
//
//   - While the task runs, each version of an entry is produced once: the
//     offset moves with every record Kafka acknowledged, and which records
//     are new is decided against it and the versions seen (above), within
//     the limit of http.record.filter.seen.size.
//   - After a clean stop (Stop, SIGTERM), nothing is produced again: the
//     runtime stores the offsets of every acknowledged record, with the
//     versions seen, before it returns.
//   - After a crash (kill -9, a lost machine), the task restarts from the
//     offset stored last, written every offset.flush.interval.ms (60 s by
//     default): records produced after that flush and before the crash are
//     produced again, up to a minute of them by default (a run of 3,000
//     items re-produced 2,777 after a kill -9). A shorter interval shrinks
//     the window at the cost of more offset writes; it never closes it.
//   - Exactly once, where a crash duplicates nothing because the records and
//     their offsets are written in one Kafka transaction, needs Kafka
//     Connect's exactly-once source support (KIP-618), which comes with the
//     distributed workers; this runtime does not offer it yet.
//
// # Pagination
//
// castorm read only the first page (issue 88). With
// http.response.next.page.pointer (a URL in the body, absolute or relative),
// http.response.next.cursor.pointer (a cursor in the body, which templates read
// as {{.offset.page}}) or http.response.next.page.link (the Link header's
// rel="next", as GitHub sends), pages are requested one after the other
// without waiting for the timer, until the next page is missing, null or
// empty. Pages are read ahead of Poll in the background, at most two: each
// page's request goes out as soon as the link to it is read, while the
// records of the page before are read. Which records are new is decided
// when Poll takes a page, so that a record that moved from one page to the
// next during the walk is produced once. The page to resume from is part
// of each record's offset (page.url or page), so a task that restarts in
// the middle of a walk continues where it was rather than at the first
// page.
//
// # Errors
//
// 429 Too Many Requests, 408, 5xx statuses, network failures and timeouts are
// retriable: Poll returns a [connect.RetriableError] whose Backoff grows from
// http.retry.backoff.millis up to http.retry.backoff.max.millis, or is the
// Retry-After the server asked for if that is longer, and the next request
// waits for it; the runtime retries rather than failing the task (castorm
// failed it). A body that is not JSON, or lacks what a pointer names, is
// retriable too, as is an unparsable timestamp; under errors.tolerance=all
// the response, or the bad element, is logged and skipped instead. Either
// way the offset does not move past a record that was not produced. Another
// status fails the task, with the status and the start of the body in the
// cause, unless errors.tolerance=all, when it is logged and skipped. Errors
// and logs never show a URL's query string, where API keys tend to be.
//
// # Authentication and client
//
// http.auth.type=Basic sends http.auth.user and http.auth.password with every
// request; Bearer sends http.auth.token (castorm issue 268). Both secrets are
// passwords, hidden in logs and errors. http.client.* set the timeouts
// (the read timeout bounds the wait for the headers and each read of the
// body), keep-alive, a proxy (whose password is a password here), and PEM
// files for a private CA and a client certificate (castorm had no trust
// store, issue 213). [WithHTTPClient] replaces the client altogether.
//
// # Tasks
//
// A single http.request.url is polled by one task whatever tasks.max says:
// castorm started tasks.max tasks polling the same URL, each producing every
// record. http.request.urls lists several URL templates, which are dealt out
// among up to tasks.max tasks; each is its own source partition.
//
// # Differences from castorm's connector
//
// Fixed: duplicates until the periodic offset commit (issue 263); no
// pagination (88); no bearer tokens (268); a 429 or 5xx killing the task
// (PR 248); JSON only as escaped strings (19, 278: JsonRecordMapper, on
// request); the first poll delayed by a whole interval and Stop waiting for
// the sleep; tasks.max>1 duplicating everything (277); no deduplication
// without a timestamp, and none that survived a restart or saw an entry
// change; epoch values in http.offset.initial failing (73); a missing
// template variable failing the task (33); the regex timestamp parser's
// default without a group; offsets or commas in templates changing a
// request; an array value becoming ""; the proxy password shown in logs.
//
// Timestamp patterns follow java.time's own rules (internal/javatime, shared
// with the kafka sink; docs/compat/javatime.md): the default pattern's [.SSS] reads
// exactly three fraction digits and its X no colon, as in castorm; write
// [.SSSSSSSSS] or XXX for more. One leniency remains: a text without an
// offset is read in http.response.record.timestamp.parser.zone even when
// that zone is a region (UTC, Europe/Paris), where java.time, and so
// castorm, fails the record.
//
// Not supported: class keys other than castorm's built-in classes (custom
// Java classes cannot be loaded), the Natty timestamp parser, and PKCS12
// keystores (use PEM files). Keys without a value in the file default to
// castorm's defaults.
//
// Known differences in castorm's records: an array record's text is its
// JSON, where castorm wrote "" (Jackson's asText of an array); a double
// whose shortest decimal Java 17's Double.toString does not find (about 2 %
// of random doubles, mostly above 1e16) is written with the shortest
// digits, as Java 19 and later write it, where castorm on Java 17 writes one
// digit more; a lone surrogate escape (\ud800) in a string becomes U+FFFD,
// where Jackson keeps it.
package httpsource
