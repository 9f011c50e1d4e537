import { metadataCommand } from "./label";

export const annotateCommand = metadataCommand("annotations");
