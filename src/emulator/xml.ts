const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

export type XmlContent = string | { readonly [element: string]: XmlContent | undefined };

/** Serialises nested objects as elements; strings are escaped, undefined members are left out. */
export const toXml = (content: XmlContent): string => {
  if (typeof content === 'string') return escapeXml(content);
  let out = '';
  for (const [name, value] of Object.entries(content)) {
    if (value !== undefined) out += `<${name}>${toXml(value)}</${name}>`;
  }
  return out;
};
