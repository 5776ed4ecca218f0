// The custom objective's code editor (CodeMirror 6). Loaded only when the custom objective is picked.
import { javascript } from "@codemirror/lang-javascript";
import { EditorView, basicSetup } from "codemirror";

export function createEditor(parent: HTMLElement, doc: string, onChange: (code: string) => void): EditorView {
  return new EditorView({
    doc,
    parent,
    extensions: [
      basicSetup,
      javascript(),
      EditorView.lineWrapping,
      EditorView.updateListener.of((u) => {
        if (u.docChanged) onChange(u.state.doc.toString());
      }),
    ],
  });
}
