/** A node of an indented tree: its own line and the nodes below it. */
export interface TreeNode {
  label: string;
  children: TreeNode[];
}

/** Box-drawing tree lines, as `tree(1)` draws them. */
export function renderTree(roots: readonly TreeNode[]): string {
  const lines: string[] = [];
  const walk = (nodes: readonly TreeNode[], prefix: string): void => {
    nodes.forEach((node, index) => {
      const last = index === nodes.length - 1;
      lines.push(`${prefix}${last ? '└── ' : '├── '}${node.label}`);
      walk(node.children, `${prefix}${last ? '    ' : '│   '}`);
    });
  };
  for (const root of roots) {
    lines.push(root.label);
    walk(root.children, '');
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
