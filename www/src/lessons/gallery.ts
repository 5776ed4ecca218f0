// The lesson gallery at the top of the playground: one card per lesson, each a link. Following a
// card opens the lesson in place (no reload: the engine is already loaded).
import { LESSONS } from "./catalog";

/** Fills `list` with the lesson cards; `open` is called with a card's lesson id. */
export function renderGallery(list: HTMLElement, open: (id: string) => void): void {
  list.replaceChildren(
    ...LESSONS.map((lesson) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `#lesson=${lesson.id}`;
      link.dataset.lesson = lesson.id;
      // The thumbnail is the page's own constant markup (thumbnails.ts), never user data.
      const picture = document.createElement("span");
      picture.className = "thumb";
      picture.innerHTML = lesson.thumbnail;
      const title = document.createElement("strong");
      title.textContent = lesson.title;
      const question = document.createElement("span");
      question.className = "question";
      question.textContent = lesson.question;
      link.append(picture, title, question);
      link.addEventListener("click", (e) => {
        e.preventDefault();
        open(lesson.id);
      });
      item.append(link);
      return item;
    }),
  );
}
