/** GitHub-style page/per_page pagination with a `Link` header. */

export interface Page<T> {
  items: T[];
  link?: string;
}

export function paginate<T>(items: T[], requestUrl: URL, defaultPerPage = 30): Page<T> {
  const perPage = clamp(Number.parseInt(requestUrl.searchParams.get('per_page') ?? '', 10) || defaultPerPage, 1, 100);
  const page = Math.max(Number.parseInt(requestUrl.searchParams.get('page') ?? '', 10) || 1, 1);
  const lastPage = Math.max(Math.ceil(items.length / perPage), 1);
  const pageItems = items.slice((page - 1) * perPage, page * perPage);
  const pageUrl = (target: number) => {
    const url = new URL(requestUrl.toString());
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(target));
    return url.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${pageUrl(page - 1)}>; rel="prev"`);
  if (page < lastPage) links.push(`<${pageUrl(page + 1)}>; rel="next"`);
  if (page < lastPage) links.push(`<${pageUrl(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`);
  return { items: pageItems, link: links.length > 0 ? links.join(', ') : undefined };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
