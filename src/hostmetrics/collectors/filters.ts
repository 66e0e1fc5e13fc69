// node_exporter's include/exclude filters (collector/device_filter.go) as JavaScript RegExps.
//
// Go's RE2 and JavaScript agree on the default patterns the collectors use (anchors without the
// m flag, \d as ASCII digits, `.` not matching a newline). A user-supplied RegExp with the g or y
// flag would carry lastIndex between test() calls, so filters drop those flags.

/** The RegExp without the stateful g / y flags. */
export function statelessRegExp(re: RegExp): RegExp {
  return re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re;
}

/** A name is ignored when it matches exclude, or when include is set and it does not match. */
export function ignored(name: string, exclude: RegExp | undefined, include?: RegExp): boolean {
  return (exclude !== undefined && exclude.test(name)) || (include !== undefined && !include.test(name));
}
