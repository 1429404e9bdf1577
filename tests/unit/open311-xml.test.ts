import { describe, expect, it } from 'vitest';
import { escapeXml, open311Xml, open311XmlDocument, wantsOpen311Xml } from '../../api/lib/open311-xml.ts';

describe('Open311 XML', () => {
  it('escapes the characters XML reserves and drops the ones it forbids', () => {
    expect(escapeXml(`a<b>&"c"'d'`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
    expect(escapeXml('bell\u0007 tab\t 中文 😀')).toBe('bell tab\t 中文 😀');
  });

  it('writes a list with one element per item and empty elements for null fields', () => {
    expect(open311Xml('services', 'service', [{ service_code: '0501', metadata: false, group: null }])).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<services><service><service_code>0501</service_code>' +
        '<metadata>false</metadata><group/></service></services>\n',
    );
    expect(open311Xml('service_requests', 'request', [])).toContain('<service_requests></service_requests>');
    expect(open311XmlDocument('service_definition', { service_code: '1', attributes: null })).toContain(
      '<service_definition><service_code>1</service_code><attributes/></service_definition>',
    );
  });

  it('tells an XML URL by its extension, before the query string', () => {
    expect(wantsOpen311Xml('/open311/v2/requests.xml?api_key=a.json')).toBe(true);
    expect(wantsOpen311Xml('/open311/v2/requests.json?x=.xml')).toBe(false);
  });
});
