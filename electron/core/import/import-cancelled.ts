/** Stops an import before anything is written. */
export class ImportCancelled extends Error {
  constructor() {
    super('The import was cancelled. Nothing was written.');
  }
}
